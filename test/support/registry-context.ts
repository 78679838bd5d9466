/** What the global setup hands every test file through `inject('registry')`. */
export interface RegistryContext {
  /** `https://127.0.0.1:<port>` of the real registry (Distribution 2.8, htpasswd auth, TLS). */
  readonly url: string;
  /** PEM of the throwaway CA; pass it as `ca` to trust the registry (and the fault proxy). */
  readonly caPem: string;
  readonly caPath: string;
  /** Server certificate and key, for extra test servers on 127.0.0.1 that clients should trust. */
  readonly certPath: string;
  readonly keyPath: string;
  /** Password of user `AWS`; Basic credentials are `AWS:<password>` as in an ECR token. */
  readonly password: string;
  readonly images: {
    readonly multiArch: {
      readonly repository: string;
      readonly tag: string;
      /** Digest of the OCI image index the tag points to. */
      readonly digest: string;
      /** `os/architecture[/variant]` of each manifest in the index, in index order. */
      readonly platforms: string[];
    };
    readonly singleArch: {
      readonly repository: string;
      readonly tag: string;
      /** Digest of the OCI image manifest the tag points to. */
      readonly digest: string;
      readonly platform: string;
    };
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    registry: RegistryContext;
    /** Why the registry could not be started (a missing program and its Debian package); unset when it runs. */
    registryUnavailable: string;
  }
}
