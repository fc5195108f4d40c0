using DeRisk.Delivery;
using Microsoft.Extensions.Time.Testing;

namespace DeRisk.Tests.Delivery;

public sealed class SendPacerTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2.5, 12)]
    public async Task N_sends_at_a_rate_take_N_turns_of_fake_time_and_never_burst(double perSecond, int sends)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2022, 5, 10, 0, 0, 0, TimeSpan.Zero));
        var start = time.GetUtcNow();
        var pacer = new SendPacer(time);
        var turns = new List<(DateTimeOffset Turn, DateTimeOffset ReleasedAt)>();
        for (var i = 0; i < sends; i++)
        {
            // Like the dispatcher: ask for a turn, and let fake time pass only while waiting for it.
            var pending = pacer.WaitTurnAsync(perSecond, default);
            for (var step = 0; !pending.IsCompleted && step < 100_000; step++)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
                await Task.Yield();
            }

            turns.Add((await pending.WaitAsync(TimeSpan.FromSeconds(30)), time.GetUtcNow()));
        }

        var interval = TimeSpan.FromSeconds(1 / perSecond);
        Assert.Equal(sends, turns.Count);
        Assert.Equal(start, turns[0].Turn);
        Assert.All(turns, t => Assert.True(t.ReleasedAt >= t.Turn, $"released at {t.ReleasedAt:O} before its turn {t.Turn:O}"));
        Assert.All(turns.Zip(turns.Skip(1)), pair => Assert.Equal(interval, pair.Second.Turn - pair.First.Turn));
        Assert.Equal(interval * (sends - 1), turns[^1].Turn - start);
    }

    [Fact]
    public async Task Pacing_off_never_waits()
    {
        var time = new FakeTimeProvider();
        var pacer = new SendPacer(time);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(time.GetUtcNow(), await pacer.WaitTurnAsync(0, default));
        }
    }
}
