import type { PhraseRow } from '../rule.ts';

/**
 * Phrasings of docker credential helpers (docker-credential-desktop, -ecr-login, -gcr, -gcloud, -pass, -wincred,
 * -osxkeychain) and the kubelet's image credential provider plugins, as docker, compose and the kubelet print
 * their failures (issue 26).
 */
// biome-ignore format: one phrasing per line, so adding one is a one-line change
export const CREDENTIAL_HELPERS: readonly PhraseRow[] = [
  ['credentials/credential-helper-missing', /exec: "docker-credential-[a-z0-9-]{1,40}(?:\.exe)?": executable file not found in [$%]PATH/i, 'https://github.com/lux4rd0/grafana-loki-syslog-aio/issues/16'],
  ['credentials/credential-helper-missing', /docker-credential-[a-z0-9-]{1,40}: command not found/i, 'https://github.com/docker/desktop-linux/issues/205'],
  ['credentials/credential-helper-missing', /docker-credential-[a-z0-9-]{1,40} not installed or not available in PATH/i, 'https://github.com/serhiicherepanov/homebrew-docker-virtualbox/issues/9'],
  ['credentials/credential-helper-missing', /pass not initialized: exec: "pass": executable file not found/i, 'https://github.com/docker/docker-credential-helpers/issues/296'],
  ['credentials/kubelet-credential-provider', /Failed getting credential from external registry credential provider/i, 'https://github.com/siderolabs/talos/issues/11086'],
  ['credentials/credential-helper-failed', /error (?:storing|getting|listing) credentials - err: exit status \d{1,3}, out: `[^`\n]{0,300}`/i, 'https://github.com/awslabs/amazon-ecr-credential-helper/issues/574'],
  ['credentials/credential-helper-failed', /Error getting the version of the configured credential helper/i, 'https://github.com/pottava/dockerized-ecr-credential-helper/issues/3'],
  // Batch 4's tuning set (issue 26, session 2).

  ['credentials/kubelet-credential-provider', /Error running credential provider plugin/i, 'https://github.com/bottlerocket-os/bottlerocket/issues/3069'],
  // Batch 4's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['credentials/ecr-helper-elsewhere', /docker-credential-ecr-login can only be used with Amazon Elastic Container Registry/i, 'https://github.com/enix/kube-image-keeper/issues/362'],
  ['credentials/credential-helper-failed', /Error parsing the serverURL/i, 'https://github.com/awslabs/amazon-ecr-credential-helper/issues/616'],
  // Batch 5's held-out groups, tuned on after their tuned record was written (issue 26, session 2).

  ['credentials/credential-helper-missing', /docker-credential-[a-z0-9-]{1,40}\.exe not installed or not available in PATH/i, 'https://github.com/docker/compose/issues/7495'],
  ['credentials/credential-helper-failed', /Error saving credentials: error storing credentials - err: exit status \d{1,3}/i, 'https://github.com/docker/for-win/issues/9061'],
  // oras-go (helm, oras) when the docker config's credential helper or store cannot answer.
  ['credentials/credential-helper-failed', /": unable to retrieve credentials[ \t]*$/im, 'https://github.com/controlplaneio-fluxcd/flux-operator/issues/149'],
  // argocd-image-updater's credentials from an external script (the usual ECR login): the script failed or printed no <user>:<password>.
  ['credentials/credential-helper-failed', /Could not set registry endpoint credentials: (?:error executing|invalid script output)/i, 'https://github.com/argoproj-labs/argocd-image-updater/issues/657'],
  ['credentials/credential-helper-failed', /An error occurred listing credentials/i, 'https://github.com/testcontainers/testcontainers-node/issues/739'],
  ['credentials/credential-helper-failed', /docker-credential-ecr-login can only be used with Amazon EC2 Container Registry/i, 'https://github.com/aws/amazon-ecs-cli/issues/361'],
  // Batches 6 and 7's held-out groups, tuned on after their tuned records were written (issue 26, session 2).

  ['credentials/credential-helper-missing', /docker-credential-[a-z0-9-]{1,40} resolves to executable in current directory/i, 'https://github.com/TransformerOptimus/SuperAGI/issues/215'],
  // Batches 3 to 8's held-out groups, tuned on in session 3 after their records (issue 26).

  ['ambiguous/public-pull-without-credentials', /Failed getting credential from external registry credential provider[^\n]{0,200} for image public\.ecr\.aws\//i, 'https://github.com/awslabs/amazon-eks-ami/pull/1949'],
];
