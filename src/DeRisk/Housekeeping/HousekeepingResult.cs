namespace DeRisk.Housekeeping;

public sealed record HousekeepingResult(int ExpiredLimits, int ExpiredCodes, int AbandonedSignUps, int OldMarketRows, int OldDeliveries, int OldInboundReceipts);
