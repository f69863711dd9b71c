/**
 * AWS's JSON error shape for the EventBridge API: `{"__type": "<Name>", "message": "..."}` plus the
 * `x-amzn-ErrorType` header. @aws-sdk/client-eventbridge reads the name from `__type` (then `code`,
 * then the header) and the text from `message`, so `err.name` on the client is the name here.
 */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const validation = (message: string) => new ApiError('ValidationException', message);
export const notFound = (message: string) => new ApiError('ResourceNotFoundException', message);
export const alreadyExists = (message: string) => new ApiError('ResourceAlreadyExistsException', message);
export const invalidPattern = (message: string) => new ApiError('InvalidEventPatternException', message);
export const limitExceeded = (message: string) => new ApiError('LimitExceededException', message);
export const illegalStatus = (message: string) => new ApiError('IllegalStatusException', message);
export const unknownOperation = (target: string) => new ApiError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}.`);
export const serialization = (message: string) => new ApiError('SerializationException', message);
export const internal = (message: string) => new ApiError('InternalException', message, 500);
