namespace DeRisk.Rules;

/// <summary>An alert rendered for email: subject, text part and HTML part.</summary>
public sealed record EmailContent(string Subject, string Text, string Html);
