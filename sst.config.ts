/// <reference path="./.sst/platform/config.d.ts" />

// `npx sst deploy --stage prod` builds the image and creates the whole stack (README: "Deploy").
// `npx sst dev` runs `next dev` on this machine against a real runs table, and nothing else; it
// refuses a stage that was deployed, which it would otherwise tear down (infra/dev-guard.ts).
// Resources with logic live in infra/, as plain modules that take the Pulumi SDKs as parameters.
// Secrets come from SST (`npx sst secret set AuthSecret …`, per stage); unset, SST fails the deploy.

export default $config({
  app(input) {
    return {
      name: "stepstream",
      home: "aws",
      removal: ["prod", "production"].includes(input?.stage) ? "retain" : "remove",
      protect: ["prod", "production"].includes(input?.stage),
      // The versions SST 4.17 itself pins; the infra tests run against the same ones.
      providers: {
        aws: { version: "7.20.0", region: process.env.AWS_REGION || "us-east-1" },
        "docker-build": "0.0.14",
      },
    };
  },
  async run() {
    const { settingsFromEnv } = await import("./infra/settings");
    const { createRunsTable } = await import("./infra/runs-table");
    const settings = settingsFromEnv(process.env);
    const identity = { app: $app.name, stage: $app.stage };

    if ($dev) {
      // `sst dev` on a deployed stage would delete everything but the table: refused, clearly.
      const { refuseDevOnDeployedStage } = await import("./infra/dev-guard");
      await refuseDevOnDeployedStage(aws, identity);
    }
    const table = createRunsTable(aws, "Stepstream", identity);
    const authSecret = new sst.Secret("AuthSecret");

    if ($dev) {
      new sst.x.DevCommand("Web", {
        dev: { command: "npm run dev", autostart: true },
        environment: {
          RUN_STORE: "dynamodb",
          RUNS_TABLE: table.name,
          AWS_REGION: settings.region,
          AUTH_SECRET: authSecret.value,
        },
      });
      return { runsTable: table.name };
    }

    const secrets = {
      authSecret: authSecret.value,
      // Declared only with an OIDC provider configured: SST fails a deploy on any unset secret, used or not.
      oidcClientSecret: settings.auth.oidc ? new sst.Secret("AuthOidcClientSecret").value : undefined,
    };
    const { createStack } = await import("./infra/stack");
    const { cdn, app, edge } = createStack(
      { aws, pulumi: $util, dockerbuild },
      { name: "Stepstream", identity, projectRoot: $cli.paths.root, settings, secrets, table },
    );
    // The edge hasher outlives `sst remove` (README: "Teardown"); its name says what to delete later.
    return {
      url: cdn.url,
      functionUrl: app.url.functionUrl,
      runsTable: table.name,
      edgeHasher: edge.hasher.name,
    };
  },
});
