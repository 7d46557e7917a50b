import type { ModelInfo } from "@/lib/runs/contract";

/** Says plainly which model runs the workflows, and how to switch from the offline demo to Bedrock. */
export function ModelBanner({ model }: { model: ModelInfo }) {
  if (model.provider === "bedrock") {
    return (
      <p className="rounded-lg border border-border bg-card px-4 py-2 text-sm">
        Running on <strong>{model.label}</strong>.
      </p>
    );
  }
  return (
    <p
      className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900"
      data-testid="model-banner"
    >
      Running on the <strong>offline demo model</strong>: it streams deterministic template text so every
      workflow works without a cloud account. To use Amazon Bedrock, set <code>BEDROCK_MODEL_ID</code> (and{" "}
      <code>AWS_REGION</code>) and restart.
    </p>
  );
}
