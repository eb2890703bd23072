// The job runner lives in core/ (the domain starts jobs too); adapters reach it through the API.
export { JobRunner, throwIfCancelled, type JobContext } from '../core/jobs';
export { toApiError } from '../core/errors';
