using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using DeRisk.Contracts;

namespace DeRisk.Preview;

/// <summary>POST /api/preview: the rule as POST /api/me/rules takes it, and a named range or from and to.</summary>
[Description("The rule and either a named range (ending on the last day of history the rule's assets all have) or from and to.")]
public sealed record PreviewRequest(
    [property: SchemaRef("Rule"), Description("The rule, as POST /api/me/rules takes it.")] JsonElement Rule,
    [property: RegularExpression("^(last30Days|lastYear)$"), Description("A named range: last30Days or lastYear.")] string? Range = null,
    [property: Description("First day, yyyy-MM-dd (with to).")] DateOnly? From = null,
    [property: Description("Last day, yyyy-MM-dd (with from).")] DateOnly? To = null);
