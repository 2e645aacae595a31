// The part of Apps Script's client-side API the sidebars use (HtmlService injects `google`).
export {};

declare global {
  /** google.script.run: each with* returns a runner; any other property is a server function. */
  interface GoogleScriptRunner {
    withSuccessHandler(handler: (value: unknown, userObject?: unknown) => void): GoogleScriptRunner;
    withFailureHandler(handler: (error: Error, userObject?: unknown) => void): GoogleScriptRunner;
    withUserObject(userObject: unknown): GoogleScriptRunner;
  }
  interface Window {
    google?: {
      script: {
        run: GoogleScriptRunner;
        host: { close(): void };
      };
    };
  }
}
