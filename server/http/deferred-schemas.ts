import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

/** How long after listening the schemas no request has needed yet are compiled (after the reconnect burst). */
const COMPILE_REST_AFTER_MS = 1000;

/**
 * Route schemas compiled on first use instead of while the server gets ready. Fastify compiles
 * every route's validator (Ajv) and response serializer (fast-json-stringify) before it listens:
 * about 0.35 s of each start here, a third of what a crashed server took to be back on air. Each
 * compiled function is stood in for until a request needs it; the rest are compiled one per turn
 * of the event loop a second after listening, so a bad schema still fails within seconds of the
 * start, not on its route's first request.
 */
export class DeferredSchemas {
  private readonly pending = new Set<() => unknown>();

  /** Fastify's own compilers (with the server's Ajv options), wrapped: `schemaController.compilersFactory`. */
  readonly compilersFactory = {
    buildValidator: (...options: Parameters<ReturnType<typeof ValidatorSelector>>) => {
      const compile = ValidatorSelector()(...options);
      return (route: Parameters<typeof compile>[0]) => this.onFirstUse(() => compile(route));
    },
    buildSerializer: (...options: Parameters<ReturnType<typeof SerializerSelector>>) => {
      const compile = SerializerSelector()(...options);
      return (route: Parameters<typeof compile>[0]) => this.onFirstUse(() => compile(route));
    },
  };

  /** Schedules the compilation of whatever no request has needed yet (Fastify's onListen hook). */
  compileRestSoon(): void {
    setTimeout(() => this.compileNext(), COMPILE_REST_AFTER_MS).unref();
  }

  private compileNext(): void {
    const [next] = this.pending;
    if (!next) return;
    next();
    setImmediate(() => this.compileNext()).unref();
  }

  /**
   * Stands for the function `compile()` returns and compiles it on first use: a call, or a property
   * read (Fastify reads a validator's `schemaEnv` before calling it and its `errors` after).
   */
  private onFirstUse<F extends (...args: never[]) => unknown>(compile: () => F): F {
    let compiled: F | null = null;
    const real = (): F => {
      if (compiled === null) {
        compiled = compile();
        this.pending.delete(real);
      }
      return compiled;
    };
    this.pending.add(real);
    // The target only makes the proxy callable: every use goes to the compiled function.
    const callable = (() => undefined) as unknown as F;
    return new Proxy(callable, {
      apply: (_target, self, args) => Reflect.apply(real(), self, args),
      get: (_target, key) => Reflect.get(real(), key),
      has: (_target, key) => Reflect.has(real(), key),
    });
  }
}
