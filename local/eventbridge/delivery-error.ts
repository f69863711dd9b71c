/**
 * Why a delivery to a target failed, with the code EventBridge puts in ERROR_CODE of the
 * dead-letter message, and whether EventBridge would try again.
 */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
