using System.Diagnostics;
using System.Globalization;

namespace Kaikukortti.Seed;

/// <summary>
/// A progress bar on one line of <paramref name="output"/> (stderr, so a report on stdout stays clean): the step, a bar,
/// done of total, the rate and the time left. Redrawn at most ten times a second; safe to advance from many tasks.
/// </summary>
public sealed class Progress(TextWriter output, string step, long total) : IDisposable
{
    private const int Width = 30;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long done;
    private long drawnAt = -1;

    public void Advance(long count)
    {
        var now = Interlocked.Add(ref done, count);
        var elapsed = clock.ElapsedMilliseconds;
        var last = Interlocked.Read(ref drawnAt);
        if ((elapsed - last >= 100 || now >= total) && Interlocked.CompareExchange(ref drawnAt, elapsed, last) == last) Draw(now);
    }

    public void Dispose()
    {
        Draw(Interlocked.Read(ref done));
        lock (output) output.WriteLine();
    }

    private void Draw(long now)
    {
        var share = total == 0 ? 1 : Math.Min(1, (double)now / total);
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? now / seconds : 0;
        var left = rate > 0 ? TimeSpan.FromSeconds((total - now) / rate) : TimeSpan.Zero;
        var filled = (int)(share * Width);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"\r{step,-10} [{new string('#', filled)}{new string('.', Width - filled)}] {now,10:N0}/{total:N0} {rate,8:N0}/s  {(int)left.TotalMinutes}:{left.Seconds:00} left ");
        lock (output) output.Write(line);
    }
}
