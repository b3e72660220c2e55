import { expect } from 'vitest';

/**
 * vitest types its asymmetric matchers `any`; returned as `unknown` they can be a property of an expected
 * object without an `any` reaching typed code (typescript-eslint's no-unsafe-assignment).
 */
export const stringContaining = (text: string): unknown => expect.stringContaining(text);
export const stringMatching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
export const anything = (): unknown => expect.anything();
export const objectContaining = (expected: Record<string, unknown>): unknown => expect.objectContaining(expected);
