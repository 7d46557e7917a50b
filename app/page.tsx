import { Suspense } from "react";
import { serverEnv } from "@/lib/env";
import { describeModel } from "@/lib/models/factory";
import { describeAllWorkflows } from "@/lib/workflows/describe";

export default function HomePage() {
  return (
    <Suspense fallback={<p>Loading…</p>}>
      <Workflows />
    </Suspense>
  );
}

async function Workflows() {
  const workflows = await describeAllWorkflows();
  const model = describeModel(serverEnv());
  return <pre>{JSON.stringify({ model, workflows }, null, 2)}</pre>;
}
