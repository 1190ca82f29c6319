/**
 * Each shop's credentials for its platform: one JSON value, sealed by the caller, whatever the
 * platform needs (a webhook secret, an API token, an OAuth session with its refresh token), validated
 * by the plugin's own schema (WebhookReceiver.credentials). One of the store's ports (ADR 9), beside
 * ShopRecords; its battery: core/src/testing/shops-contract.ts.
 *
 * Credentials that the platform rotates (an expiring token and its refresh token, each new one
 * revoking the one before) are renewed by one process at a time: a lease with an owner, and a save
 * that only the lease's holder makes.
 */
export interface ShopCredentials {
  /** Saving replaces the credentials whatever their version (an install), ends a renewal lease, and returns the new version. */
  saveCredentials(key: ShopKey, sealed: string, now: number): Promise<number>;
  loadCredentials(key: ShopKey): Promise<StoredCredentials | null>;
  /**
   * Takes the credentials for renewing them (a refresh, an exchange), so that of several processes one
   * renews them at a time: the credentials as stored with a lease of their own, or null when there are
   * none or another process holds a lease that has not run out.
   */
  leaseCredentials(key: ShopKey, leaseMs: number, now: number): Promise<LeasedCredentials | null>;
  /**
   * Saves renewed credentials while `lease` is still their lease, ending it; false when it is not
   * (another process took the lease over after it ran out, an install saved newer ones, or they were
   * deleted): then the credentials stored are newer than these.
   */
  replaceCredentials(key: ShopKey, sealed: string, lease: string, now: number): Promise<boolean>;
  /** Ends `lease` without saving (the renewal failed for now); a lease another process holds by now stays. */
  releaseCredentials(key: ShopKey, lease: string): Promise<void>;
  /**
   * The platform refused the credentials for good: the shop's access problem is set and the lease ends,
   * only while `lease` is still theirs (newer credentials stay unmarked). False otherwise.
   */
  markCredentialsRefused(key: ShopKey, lease: string, reason: string, now: number): Promise<boolean>;
  deleteCredentials(key: ShopKey): Promise<void>;
}

/** A shop as its platform names it: credentials may be saved before the shop's row exists (an install in progress). */
export interface ShopKey {
  readonly platform: string;
  readonly shopKey: string;
}

export interface StoredCredentials {
  /** The JSON value, sealed. */
  readonly sealed: string;
  /** Moves on with every save. */
  readonly version: number;
}

export interface LeasedCredentials extends StoredCredentials {
  /** This lease's own token: only its holder saves over the credentials, or gives the lease back. */
  readonly lease: string;
}
