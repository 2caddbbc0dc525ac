import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { InvalidInput } from './errors.ts';
import './zod.ts';
import { logger } from './logger.ts';
import { currentRuntime, type Runtime } from './runtime.ts';

export type Task<I, O> = (input: I, runtime: Runtime) => O | Promise<O>;
export type LambdaHandler<O = unknown> = (event: unknown, context: Context) => Promise<O>;

type Issue = z.core.$ZodIssue;

/**
 * For a union, the alternative that got furthest (its first issue has the longest path) is the
 * one the input meant, so its issue is the useful one to report.
 */
function mostSpecific(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const candidates = issue.errors
    .map((branch) => branch[0])
    .filter((first): first is Issue => first !== undefined)
    .map((first) => mostSpecific({ ...first, path: [...issue.path, ...first.path] }));
  return candidates.reduce((best, next) => (next.path.length > best.path.length ? next : best), candidates[0] ?? issue);
}

/** Describes the first schema issue in one line: the field and what was wrong with it. */
export function describeIssue(error: z.core.$ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid input';
  const issue = mostSpecific(first);
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(input)';
  return `${where}: ${issue.message}`;
}

/** Middy middleware that parses the event with a schema, raising the named InvalidInput. */
export function parseInput<S extends z.ZodMiniType>(schema: S): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: (request) => {
      const result = schema.safeParse(request.event);
      if (!result.success) throw new InvalidInput(describeIssue(result.error));
      request.event = result.data;
    },
  };
}

/**
 * Wires a task (a plain function of its input and the runtime) into a Lambda handler:
 * the logger gets the Lambda context, the input is parsed once, and the runtime comes from
 * the cold-start environment on AWS or from the local engine's invocation scope.
 */
export function lambdaHandler<S extends z.ZodMiniType, O>(schema: S, task: Task<z.infer<S>, O>): LambdaHandler<O> {
  return middy<unknown, O, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(parseInput(schema))
    .handler(async (event) => task(event as z.infer<S>, currentRuntime()));
}
