import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] items-center justify-center px-4">
      <div className="text-center">
        <p className="text-sm font-semibold text-accent">404</p>
        <h1 className="mt-1 text-lg font-semibold">This page does not exist</h1>
        <p className="mt-1 text-sm text-muted">It may have been deleted, or it belongs to an account you are not a member of.</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-accent hover:underline">
          Go to your stacks
        </Link>
      </div>
    </main>
  );
}
