declare const __ZENML_API_VERSION__: string | undefined;

/** The package version, injected by the build (scripts/build.mjs). */
export const VERSION: string =
  typeof __ZENML_API_VERSION__ === 'string' ? __ZENML_API_VERSION__ : '0.0.0-dev';
