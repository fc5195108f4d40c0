namespace DeRisk.SignUp;

public sealed record TokenView(string SubscriberId, string Token, string TokenType = "Bearer");
