/** How preflight makes each SDK client (aws.ts), its own OAM client (oam.ts) included. */
export interface ClientSettings {
  region: string;
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
}
