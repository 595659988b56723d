using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Conversations;

/// <summary>
/// The conversation, as a pure function: (survey, state, patient, inbound, now) → (state, reply, effects).
/// It knows nothing of HTTP, TwiML, Redis or the database; every channel goes through it.
/// </summary>
public static class ConversationEngine
{
    public static Outcome Handle(SurveyDefinition survey, ConversationState? state, PatientSnapshot patient, Inbound inbound, DateTimeOffset now)
    {
        // A language not live on this channel is answered in its fallback (the menu never offered it).
        var language = survey.Offer.Serve(state?.Language ?? patient.PreferredLanguage ?? survey.DefaultLanguage, inbound.Channel);
        var keyword = Answers.ParseKeyword(inbound.Answer, survey.Words);

        if (patient.OptedOut && survey.RulesFor(inbound.Channel).HonoursOptOut)
        {
            return keyword switch
            {
                Keyword.OptIn => new Outcome(null, Reply.Of(MessageKeys.OptedIn, language), [new OptIn()]),
                Keyword.Help => new Outcome(state, Reply.Of(MessageKeys.Help, language), []),
                // An opted-out patient gets nothing but the confirmations above.
                _ => new Outcome(null, Reply.None(language), []),
            };
        }

        if (keyword == Keyword.OptOut)
        {
            return new Outcome(null, Reply.Of(MessageKeys.OptedOut, language), [new OptOut()]);
        }
        // A dropped session dialled again (USSD) is offered to go on where it stopped.
        var (resumedOutcome, stateToGoOn) = SessionResume.Apply(survey, state, inbound, now, language);
        if (resumedOutcome is not null)
        {
            return resumedOutcome;
        }
        state = stateToGoOn;

        // A reply to a reminder that waits for confirmation goes to that reminder first; a key pressed on a
        // feedback invite's call answers the invite, whatever else waits.
        if (patient.AwaitingConfirmation && inbound.InvitedIn is null && Answers.ParseYesNo(inbound.Answer, survey.Words) is { } confirmed)
        {
            return new Outcome(state, Reply.Of(confirmed ? MessageKeys.ReminderConfirmed : MessageKeys.ReminderDeclined, language,
                state is null ? null : survey.Find(state.QuestionId)?.Kind), [new AnswerReminder(confirmed)]);
        }

        switch (keyword)
        {
            case Keyword.Help:
                return new Outcome(state is null ? null : Touch(state, now),
                    Reply.Of(MessageKeys.Help, language, state is null ? null : survey.Find(state.QuestionId)?.Kind), []);
            case Keyword.Language when survey.LanguageQuestion is { } languageQuestion:
                var resume = state?.QuestionId is { } current && current != languageQuestion.Id ? current : state?.ResumeQuestionId;
                var asking = (state ?? NewState(inbound, now, language, languageQuestion.Id)) with
                {
                    QuestionId = languageQuestion.Id,
                    ResumeQuestionId = resume,
                    Misses = 0,
                    UpdatedAt = now,
                };
                return new Outcome(asking, Menu(survey, languageQuestion.PromptKey, language, inbound.Channel), []);
            case Keyword.OptIn when Answers.Normalize(inbound.Answer) != "yes":
                // START from a patient who never opted out: begin afresh.
                return Start(survey, patient, inbound, now, language, answerNow: false);
        }

        if (state is null)
        {
            return Start(survey, patient, inbound, now, language, answerNow: true);
        }
        if (state.QuestionId == SurveyDefinition.Done)
        {
            return AfterTheEnd(survey, state, inbound, now, language);
        }
        var question = survey.Find(state.QuestionId);
        return question is null
            ? Start(survey, patient, inbound, now, language, answerNow: false)
            : Answer(survey, state, question, inbound, now, language);
    }

    private static Outcome Start(SurveyDefinition survey, PatientSnapshot patient, Inbound inbound, DateTimeOffset now, Language language, bool answerNow)
    {
        var first = survey.After(null) ?? throw new InvalidOperationException($"Survey '{survey.Id}' has no question.");
        // A patient who opens with a rating ("5", "⭐⭐⭐⭐") has answered the first question already.
        var rated = answerNow && first.Kind == QuestionKind.Rating && Answers.ParseRating(inbound.Answer, survey.Words) is not null;
        if (patient.PreferredLanguage is null && survey.LanguageQuestion is { } languageQuestion)
        {
            if (rated && inbound.InvitedIn is { } invited)
            {
                // The key answers an invite they heard in this language: it goes on in it (for this conversation; their own pick is still theirs to make).
                language = survey.Offer.Serve(invited, inbound.Channel);
            }
            else
            {
                var asking = NewState(inbound, now, null, languageQuestion.Id);
                return new Outcome(asking, Menu(survey, languageQuestion.PromptKey, language, inbound.Channel), []);
            }
        }
        var state = NewState(inbound, now, language, first.Id);
        if (rated)
        {
            return Answer(survey, state, first, inbound, now, language);
        }
        return new Outcome(state, Reply.Of(first.PromptKey, language, first.Kind), []);
    }

    private static Outcome Answer(SurveyDefinition survey, ConversationState state, Question question, Inbound inbound, DateTimeOffset now, Language language)
    {
        switch (question.Kind)
        {
            case QuestionKind.Language when Answers.ParseLanguageChoice(inbound.Answer, survey.Offer.On(inbound.Channel), survey.Words) is { } chosen:
                var resumed = state with { Language = chosen, ResumeQuestionId = null };
                var next = state.ResumeQuestionId is { } resume ? survey.Find(resume) : survey.After(question.Id);
                return Ask(survey, resumed, next, now, chosen, [new SetLanguage(chosen)]);

            case QuestionKind.Rating when Answers.ParseRating(inbound.Answer, survey.Words) is { } rating:
                return Ask(survey, state with { Rating = rating }, survey.After(question.Id), now, language,
                    [new SaveRating(state.ConversationId, rating, language)]);

            case QuestionKind.Comment when inbound.Audio is { } audio:
                return Ask(survey, state, survey.After(question.Id), now, language, [new SaveVoiceComment(state.ConversationId, audio)]);

            case QuestionKind.Comment when question.Skippable && Answers.IsSkip(inbound.Answer, survey.Words):
                return Ask(survey, state, survey.After(question.Id), now, language, []);

            case QuestionKind.Comment when !string.IsNullOrWhiteSpace(inbound.Text):
                return Ask(survey, state, survey.After(question.Id), now, language,
                    [new SaveComment(state.ConversationId, inbound.Text.Trim(), Append: false)]);
        }
        return Miss(survey, state, question, inbound.Channel, now, language);
    }

    private static Outcome Ask(SurveyDefinition survey, ConversationState state, Question? next, DateTimeOffset now, Language language, IReadOnlyList<Effect> effects)
    {
        if (next is null)
        {
            var done = state with { QuestionId = SurveyDefinition.Done, Misses = 0, UpdatedAt = now };
            return new Outcome(done, Reply.Of(survey.ThanksKey, language), effects);
        }
        var asking = state with { QuestionId = next.Id, Misses = 0, UpdatedAt = now };
        return new Outcome(asking, Reply.Of(next.PromptKey, language, next.Kind), effects);
    }

    private static Outcome Miss(SurveyDefinition survey, ConversationState state, Question question, Channel channel, DateTimeOffset now, Language language)
    {
        var misses = state.Misses + 1;
        if (misses > survey.RulesFor(channel).RetryLimit)
        {
            return new Outcome(null, Reply.Of(survey.GiveUpKey, language), []);
        }
        var again = question.Kind == QuestionKind.Language
            ? Menu(survey, question.RetryPromptKey, language, channel)
            : Reply.Of(question.RetryPromptKey, language, question.Kind);
        return new Outcome(state with { Misses = misses, UpdatedAt = now }, again, []);
    }

    /// <summary>A language menu listing only the languages live on the channel, numbered in order.</summary>
    private static Reply Menu(SurveyDefinition survey, string key, Language language, Channel channel) =>
        Reply.Of(key, language, QuestionKind.Language) with { Menu = survey.Offer.On(channel) };

    // After the thanks, a few more words are added to the comment rather than starting over.
    private static Outcome AfterTheEnd(SurveyDefinition survey, ConversationState state, Inbound inbound, DateTimeOffset now, Language language) =>
        string.IsNullOrWhiteSpace(inbound.Text) || state.Rating is null
            ? new Outcome(Touch(state, now), Reply.None(language), [])
            : new Outcome(Touch(state, now), Reply.Of(survey.CommentAddedKey, language),
                [new SaveComment(state.ConversationId, inbound.Text.Trim(), Append: true)]);

    private static ConversationState NewState(Inbound inbound, DateTimeOffset now, Language? language, string questionId) => new()
    {
        ConversationId = inbound.ProviderMessageId,
        SessionId = inbound.SessionId,
        QuestionId = questionId,
        Language = language,
        StartedAt = now,
        UpdatedAt = now,
    };

    private static ConversationState Touch(ConversationState state, DateTimeOffset now) => state with { UpdatedAt = now };
}
