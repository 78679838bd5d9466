import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  Aws,
  type DockerImageAssetLocation,
  type FileAssetLocation,
  FileAssetPackaging,
  type FileAssetSource,
  type ISynthesisSession,
  Lazy,
  type Stack,
  StackSynthesizer,
  Stage,
  Token,
} from 'aws-cdk-lib';

/** A file asset of the member stack, as the per-region code stacks copy it into their buckets. */
export interface MemberAsset {
  readonly sourceHash: string;
  /** The staged file or directory, as the member stack names it: relative to the cloud assembly, or absolute. */
  readonly fileName: string;
  /** The same, absolute. */
  readonly path: string;
  readonly packaging: FileAssetPackaging;
}

export interface MemberSynthesizerProps {
  /** Stack that holds the StackSet: the member template becomes one of its file assets (TemplateURL). */
  readonly parent: Stack;
  /** Bucket of a region, given the region: called with the `AWS::Region` token for the member template. */
  readonly bucketName: (region: string) => string;
}

/**
 * Synthesizes the StackSet's member template: the same constructs as a one-account canary stack, with nothing
 * that depends on the member's CDK bootstrap. No `cdk-hnb659fds-*` bucket, role or version parameter: every
 * file asset (a prebuilt Lambda directory, a zip, a NodejsFunction bundle: whatever calls `addFileAsset`) is
 * read from the management account's code bucket of the member's own region, `bucketName(AWS::Region)`, under
 * the object key the code stacks publish it with ({@link setObjectKey}). The template is not a cloud assembly
 * artifact of its own (not deployable by `cdk deploy`): it is written beside the others and registered as a
 * file asset of the parent stack, whose StackSet reads it by URL. Container image assets are refused: StackSets
 * has no way to publish them to every member's registry.
 *
 * Compare cdklabs/cdk-stacksets' StackSetStackSynthesizer, which takes user-made buckets and assumes every
 * asset's object key is its staged directory's hash + `.zip`; here the buckets and their copies are made per
 * region by the app, and the key is whatever the copy was published under, so file assets of any packaging work.
 */
export class MemberSynthesizer extends StackSynthesizer {
  readonly assets: MemberAsset[] = [];
  private readonly objectKeys = new Map<string, string>();
  private readonly props: MemberSynthesizerProps;
  private url?: string;

  constructor(props: MemberSynthesizerProps) {
    super();
    this.props = props;
  }

  override addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!asset.fileName || asset.executable) {
      throw new Error(
        'A StackSet member template takes file assets from a file or directory only (no executable assets).',
      );
    }
    const outdir = Stage.of(this.boundStack)?.outdir ?? '.';
    const path = isAbsolute(asset.fileName) ? asset.fileName : resolve(outdir, asset.fileName);
    if (!this.assets.some((known) => known.sourceHash === asset.sourceHash)) {
      this.assets.push({
        sourceHash: asset.sourceHash,
        fileName: asset.fileName,
        path,
        packaging: asset.packaging ?? FileAssetPackaging.FILE,
      });
    }
    const bucketName = this.props.bucketName(Aws.REGION);
    const objectKey = Lazy.string({ produce: () => this.objectKey(asset.sourceHash) });
    return {
      bucketName,
      objectKey,
      httpUrl: `https://s3.${Aws.REGION}.${Aws.URL_SUFFIX}/${bucketName}/${objectKey}`,
      s3ObjectUrl: `s3://${bucketName}/${objectKey}`,
    };
  }

  override addDockerImageAsset(): DockerImageAssetLocation {
    throw new Error('A StackSet member template cannot use container image assets.');
  }

  /** The key the code stacks publish an asset under; one key for every region. */
  setObjectKey(sourceHash: string, objectKey: string): void {
    if (Token.isUnresolved(objectKey))
      throw new Error(`The object key of asset ${sourceHash} must be a plain string.`);
    const known = this.objectKeys.get(sourceHash);
    if (known !== undefined && known !== objectKey) {
      throw new Error(`Asset ${sourceHash} has two object keys: ${known} and ${objectKey}.`);
    }
    this.objectKeys.set(sourceHash, objectKey);
  }

  /** HTTPS URL of the member template, an asset of the parent stack; known once the app is synthesized. */
  get templateUrl(): string {
    // Undefined while the app is prepared (CDK resolves every token once to find references); the member
    // stack is a child of the parent, so it is synthesized first and the URL is known when the parent is.
    return Lazy.uncachedString({ produce: () => this.url });
  }

  override synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    const fileName = this.boundStack.templateFile;
    const sourceHash = createHash('sha256')
      .update(readFileSync(join(session.outdir, fileName)))
      .digest('hex');
    this.url = this.props.parent.synthesizer.addFileAsset({
      fileName,
      packaging: FileAssetPackaging.FILE,
      sourceHash,
    }).httpUrl;
  }

  private objectKey(sourceHash: string): string {
    const key = this.objectKeys.get(sourceHash);
    if (key === undefined)
      throw new Error(`Asset ${sourceHash} of the member template is published by no code stack.`);
    return key;
  }
}
