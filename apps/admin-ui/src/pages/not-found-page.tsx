import { Link } from '../components/link';
import { useDocumentTitle } from '../hooks/use-document-title';
import { paths } from '../lib/routes';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        The dashboard has no page here. Go to the <Link href={paths.overview}>overview</Link>.
      </p>
    </>
  );
}
