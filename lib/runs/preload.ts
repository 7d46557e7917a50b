import "server-only";

// Importing these modules is the whole point: it fills the module cache ahead of the first run.
await Promise.all([
  import("@langchain/langgraph"),
  import("@langchain/core/messages"),
  import("@/lib/workflows/registry"),
  import("@/lib/models/offline-model"),
]);
