using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Conversations;

/// <summary>
/// Sessions the network cut (USSD, whose sessions operators end after tens of seconds): a patient who
/// dials again within the channel's <see cref="ChannelRules.ResumeWithin"/> of a session that ended
/// unfinished gets one line, "continue?", and on a yes goes on at the step they were on, with the answers
/// already given kept (a rating given is never asked again); on a no the session closes politely.
/// </summary>
public static class SessionResume
{
    /// <summary>
    /// The engine's first look at a state on a channel whose sessions resume: an outcome when this rule
    /// answers (the continue screen, or the answer to it), else the state to go on with — the same one, or
    /// null when the state is of an earlier session that cannot be resumed (start afresh).
    /// </summary>
    public static (Outcome? Outcome, ConversationState? State) Apply(
        SurveyDefinition survey, ConversationState? state, Inbound inbound, DateTimeOffset now, Language language)
    {
        var rules = survey.RulesFor(inbound.Channel);
        if (state is null || rules.ResumeWithin is not { } window || inbound.SessionId is null)
        {
            return (null, state);
        }
        var question = state.QuestionId == SurveyDefinition.Done ? null : survey.Find(state.QuestionId);
        if (state.SessionId != inbound.SessionId)
        {
            // Dialled again: an unfinished session of the last minutes is offered; a finished or older one is not.
            if (question is null || now - state.UpdatedAt > window)
            {
                return (null, null);
            }
            var offered = state with { SessionId = inbound.SessionId, ResumeOffered = true, Misses = 0, UpdatedAt = now };
            return (new Outcome(offered, Reply.Of(MessageKeys.ResumeSession, language, question.Kind), []), null);
        }
        if (!state.ResumeOffered || question is null)
        {
            return (null, state);
        }
        switch (Answers.ParseYesNo(inbound.Answer, survey.Words))
        {
            case true:
                var resumed = state with { ResumeOffered = false, Misses = 0, UpdatedAt = now };
                return (new Outcome(resumed, Reply.Of(question.PromptKey, language, question.Kind), []), null);
            case false:
                return (new Outcome(null, Reply.Of(MessageKeys.ResumeDeclined, language), []), null);
            default:
                var misses = state.Misses + 1;
                return misses > rules.RetryLimit
                    ? (new Outcome(null, Reply.Of(survey.GiveUpKey, language), []), null)
                    : (new Outcome(state with { Misses = misses, UpdatedAt = now }, Reply.Of(MessageKeys.ResumeSession, language, question.Kind), []), null);
        }
    }
}
