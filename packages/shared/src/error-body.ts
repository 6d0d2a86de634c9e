import { z } from 'zod';
import { ERROR_CODE_LIST } from './errors.js';

/** The JSON body of every error the proxy answers: `{ error: { code, message } }`. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODE_LIST).describe('Stable error code, see the README error table'),
      message: z.string().describe('Human-readable explanation'),
      request_id: z.string().optional().describe('Identifier of the request, also in the logs'),
    }),
  })
  .meta({ id: 'ErrorBody' });

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
