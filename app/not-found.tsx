import Link from "next/link";

export default function NotFound() {
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-muted-foreground">There is no such workflow or page.</p>
      <Link href="/" className="text-primary underline">
        See all workflows
      </Link>
    </div>
  );
}
