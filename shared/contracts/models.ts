import * as z from '../zod';

/** GET /v1/models: the image models this server can run, for the Settings sidebar and the CLI. */
export const ServerModel = z.object({
  id: z.string(),
  label: z.string(),
  /** USD per image at the size this server makes. */
  priceUsd: z.number(),
});
export type ServerModel = z.infer<typeof ServerModel>;

export const ModelsResponse = z.object({
  models: z.array(ServerModel),
  /** What `auto` rows use, in order. */
  defaultProviderChain: z.array(z.string()),
});
export type ModelsResponse = z.infer<typeof ModelsResponse>;
