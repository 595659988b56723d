using System.Xml.Linq;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>TwiML for calls: Say, Play, Gather, Record, Redirect, Pause, Hangup, Reject.</summary>
public sealed class VoiceResponse : TwiML
{
    private XElement _target;

    public VoiceResponse() => _target = Root;

    public VoiceResponse Say(string text, string language, string? voice = null)
    {
        var say = new XElement("Say", new XAttribute("language", language), XmlSafe(text));
        if (!string.IsNullOrEmpty(voice))
        {
            say.Add(new XAttribute("voice", voice));
        }
        _target.Add(say);
        return this;
    }

    public VoiceResponse Play(string url)
    {
        _target.Add(new XElement("Play", url));
        return this;
    }

    public VoiceResponse Pause(int seconds = 1)
    {
        _target.Add(new XElement("Pause", new XAttribute("length", seconds)));
        return this;
    }

    /// <summary>Keys pressed go to <paramref name="action"/>; the verbs added in <paramref name="prompts"/> are heard meanwhile.</summary>
    public VoiceResponse Gather(string action, int numDigits, int timeoutSeconds, Action<VoiceResponse> prompts)
    {
        var gather = new XElement("Gather",
            new XAttribute("input", "dtmf"),
            new XAttribute("numDigits", numDigits),
            new XAttribute("timeout", timeoutSeconds),
            new XAttribute("action", action),
            new XAttribute("method", "POST"));
        Root.Add(gather);
        _target = gather;
        prompts(this);
        _target = Root;
        return this;
    }

    public VoiceResponse Record(string action, string recordingStatusCallback, int maxLengthSeconds, string finishOnKey)
    {
        _target.Add(new XElement("Record",
            new XAttribute("action", action),
            new XAttribute("method", "POST"),
            new XAttribute("maxLength", maxLengthSeconds),
            new XAttribute("finishOnKey", finishOnKey),
            new XAttribute("playBeep", "true"),
            new XAttribute("recordingStatusCallback", recordingStatusCallback),
            new XAttribute("recordingStatusCallbackMethod", "POST")));
        return this;
    }

    public VoiceResponse Redirect(string url)
    {
        _target.Add(new XElement("Redirect", new XAttribute("method", "POST"), url));
        return this;
    }

    public VoiceResponse Hangup()
    {
        _target.Add(new XElement("Hangup"));
        return this;
    }

    /// <summary>Declines the call unanswered (<c>busy</c> or <c>rejected</c>): nobody pays for it. Must be the first verb; nothing after it is heard.</summary>
    public VoiceResponse Reject(string reason)
    {
        _target.Add(new XElement("Reject", new XAttribute("reason", reason)));
        return this;
    }
}
