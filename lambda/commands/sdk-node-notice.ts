/**
 * The AWS SDK for JavaScript v3 warns on Node.js below 22 with an eight-line `NodeVersionSupportWarning`,
 * once per process that creates a client (`@aws-sdk/core`, `emitWarningIfUnsupportedVersion`). This
 * variable set to `true` is its documented opt-out: https://github.com/aws/aws-sdk-js-v3/issues/7983
 * ("January 2027: End of Support for Node.js 20.x in AWS SDK for JavaScript").
 */
export const SDK_NODE_WARNING_OPT_OUT = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** SDK releases after the first week of January 2027 require this Node.js major (same announcement). */
export const SDK_NODE_MAJOR = 22;

/**
 * The one line the CLI prints instead of the SDK's warning block, or nothing when this Node.js is new
 * enough or the user set the SDK's opt-out (the SDK reads it as the exact string `true`, and so do we).
 */
export function sdkNodeNotice(nodeVersion: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env[SDK_NODE_WARNING_OPT_OUT] === 'true') return undefined;
  const major = Number.parseInt(nodeVersion.replace(/^v/, ''), 10);
  if (!Number.isFinite(major) || major >= SDK_NODE_MAJOR) return undefined;
  return `ecr-pull-canary: note: AWS SDK releases after January 2027 need Node.js ${SDK_NODE_MAJOR}+; this is ${nodeVersion} (${SDK_NODE_WARNING_OPT_OUT}=true hides this line)\n`;
}
