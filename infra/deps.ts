import type * as Aws from "@pulumi/aws";
import type * as DockerBuild from "@pulumi/docker-build";
import type * as Pulumi from "@pulumi/pulumi";

/**
 * The Pulumi SDKs the infrastructure modules build with. `sst.config.ts` passes SST's own
 * instances (`aws`, `$util`); tests pass the same packages under Pulumi's mocks. Only one copy of
 * the Pulumi runtime may register resources, so no module here imports one by value.
 */
export interface InfraDeps {
  aws: typeof Aws;
  pulumi: typeof Pulumi;
  dockerbuild: typeof DockerBuild;
}

export type Input<T> = Pulumi.Input<T>;
export type Output<T> = Pulumi.Output<T>;
