import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { describeAllWorkflows } from "@/lib/workflows/describe";

export const dynamic = "force-dynamic";

/** The workflow registry: ids, texts, input schemas and each graph's nodes and edges. */
export const GET = handleErrors(async () => Response.json({ workflows: await describeAllWorkflows() }));

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
