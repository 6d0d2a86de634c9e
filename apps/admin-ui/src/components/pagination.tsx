export function Pagination({
  page,
  onPrevious,
  onNext,
}: {
  page: number;
  /** Undefined on the first page. */
  onPrevious: (() => void) | undefined;
  /** Undefined on the last page. */
  onNext: (() => void) | undefined;
}) {
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" onClick={onPrevious} disabled={onPrevious === undefined}>
        ← Previous
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" onClick={onNext} disabled={onNext === undefined}>
        Next →
      </button>
    </nav>
  );
}
