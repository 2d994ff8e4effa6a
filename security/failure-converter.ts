/**
 * Loaded by path (workflow code runs in a sandbox, so converters are modules, not objects): failure messages and
 * stack traces travel as encoded attributes, so the payload codec encrypts them like any other payload.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
