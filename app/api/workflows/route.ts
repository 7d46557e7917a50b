import { handleErrors } from "@/lib/http/handle";
import { describeAllWorkflows } from "@/lib/workflows/describe";

export const dynamic = "force-dynamic";

/** The workflow registry: ids, texts, input schemas and each graph's nodes and edges. */
export const GET = handleErrors(async () => Response.json({ workflows: await describeAllWorkflows() }));
