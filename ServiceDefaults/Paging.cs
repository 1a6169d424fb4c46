namespace Kaikukortti.ServiceDefaults;

/// <summary>A page of a list: <c>page</c> from 1, <c>pageSize</c> 1–100. Every paged endpoint reads it the same way.</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    /// <summary>Rows to skip; a long, so a page far beyond the last is an empty page rather than an overflow.</summary>
    public long Offset => (Page - 1L) * PageSize;

    public static Result<Paging> From(int? page, int? pageSize) =>
        page is < 1 || pageSize is < 1 or > MaxPageSize
            ? new DomainError("paging-invalid", MaxPageSize)
            : new Paging(page ?? 1, pageSize ?? DefaultPageSize);
}
