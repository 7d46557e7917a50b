import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoValidationError, type KeySchema, validateRequest } from "./dynamo-rules";

export interface Refusal {
  operation: string;
  message: string;
}

/** A fault a test injects for one operation: fail it as a server error, or answer it late. */
export type InjectedFault = { fail: true } | { delayMs: number } | undefined;

export interface StrictProxy {
  endpoint: string;
  /** Every request refused so far: a test of a whole run's life expects none. */
  refusals: Refusal[];
  /** Every request seen, in order: its operation, when (Date.now()), and the fault injected. */
  requests: { operation: string; at: number; fault?: string }[];
  /** Sets (or, with undefined, clears) the faults to inject, chosen per operation. */
  injectFaults: (choose: ((operation: string) => InjectedFault) | undefined) => void;
  stop: () => Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

type KeySchemaElement = { AttributeName: string; KeyType: string };

/** What a CreateTable request says about its keys: the table's and every index's. */
function schemaFromCreateTable(request: Record<string, unknown>): KeySchema {
  const own = (request.KeySchema ?? []) as KeySchemaElement[];
  const indexes = [
    ...((request.GlobalSecondaryIndexes ?? []) as { KeySchema: KeySchemaElement[] }[]),
    ...((request.LocalSecondaryIndexes ?? []) as { KeySchema: KeySchemaElement[] }[]),
  ];
  const keyAttributes = new Set(
    [...own, ...indexes.flatMap((index) => index.KeySchema)].map((key) => key.AttributeName),
  );
  const primaryKey = ["HASH", "RANGE"].flatMap((type) =>
    own.filter((key) => key.KeyType === type).map((key) => key.AttributeName),
  );
  return { keyAttributes, primaryKey };
}

/**
 * A loopback proxy in front of dynalite that speaks DynamoDB's JSON protocol and refuses, with
 * DynamoDB's own ValidationException, every request the real service would refuse but dynalite
 * lets through (tests/support/dynamo-rules.ts). Everything else passes through untouched. It
 * learns each table's keys from the CreateTable requests that pass through it.
 */
export async function startStrictProxy(upstream: string): Promise<StrictProxy> {
  const schemas = new Map<string, KeySchema>();
  const refusals: Refusal[] = [];
  let chooseFault: ((operation: string) => InjectedFault) | undefined;
  const requests: StrictProxy["requests"] = [];
  const target = new URL(upstream);
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const fault = chooseFault?.(operation);
    requests.push({ operation, at: Date.now(), fault: fault ? JSON.stringify(fault) : undefined });
    if (fault && "fail" in fault) {
      res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
      res.end(
        JSON.stringify({
          __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
          message: "Injected",
        }),
      );
      return;
    }
    if (fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    try {
      const parsed = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
      if (operation === "CreateTable") schemas.set(String(parsed.TableName), schemaFromCreateTable(parsed));
      validateRequest(
        operation,
        parsed,
        (table) => schemas.get(table) ?? { keyAttributes: new Set(), primaryKey: [] },
      );
    } catch (error) {
      if (!(error instanceof DynamoValidationError)) throw error;
      refusals.push({ operation, message: error.message });
      res.writeHead(400, {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": `strict-${refusals.length}`,
      });
      res.end(
        JSON.stringify({ __type: "com.amazon.coral.validate#ValidationException", message: error.message }),
      );
      return;
    }
    const forward = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 500, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      },
    );
    forward.on("error", (error) => res.destroy(error));
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refusals,
    requests,
    injectFaults: (choose) => {
      chooseFault = choose;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
