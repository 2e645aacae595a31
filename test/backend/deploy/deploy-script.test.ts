// The deployment script and the Dockerfile. Neither gcloud nor a Docker engine exists here, so the
// script is checked through --dry-run (which prints every command and runs none) and the
// Dockerfile by its text.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const script = join(root, 'backend', 'deploy', 'deploy.sh');
const gemini = 'AIzaTEST-gemini-key-do-not-print-7f3c';
// A PATH holding only the tools the script uses, so gcloud is absent even where it is installed.
const binDir = mkdtempSync(join(tmpdir(), 'rowshot-deploy-bin-'));
for (const tool of ['bash', 'awk', 'mktemp', 'date', 'cat', 'sed', 'dirname', 'rm', 'head', 'base64', 'tr', 'sleep']) {
  const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  if (found) symlinkSync(found, join(binDir, tool));
}
const bareEnv = { PATH: binDir, HOME: process.env.HOME ?? '/tmp', TMPDIR: tmpdir() };
afterAll(() => rmSync(binDir, { recursive: true, force: true }));

function dryRun(env: Record<string, string>) {
  const r = spawnSync(join(binDir, 'bash'), [script, '--dry-run'], { env: { ...bareEnv, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stderr: r.stderr };
}
const base = { PROJECT_ID: 'acme-images', GEMINI_API_KEY: gemini };
/** The printed command line that starts with `prefix`. */
function line(out: string, prefix: string): string {
  const found = out.split('\n').find((l) => l.startsWith(`+ ${prefix}`));
  if (!found) throw new Error(`no command starting with "${prefix}" in:\n${out}`);
  return found;
}

describe('backend/deploy/deploy.sh', () => {
  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('prints every step in a dry run without gcloud, and exits 0', () => {
    const gcloudOnPath = spawnSync(join(binDir, 'bash'), ['-c', 'command -v gcloud'], { env: bareEnv });
    expect(gcloudOnPath.status).not.toBe(0);
    const { code, out } = dryRun(base);
    expect(code, out).toBe(0);
    expect(out).toMatch(/^\+ gcloud services enable .*run\.googleapis\.com.*cloudtasks\.googleapis\.com.*secretmanager\.googleapis\.com.*sheets\.googleapis\.com.*generativelanguage\.googleapis\.com/m);
    expect(out).toContain('+ gcloud iam service-accounts create rowshot-run ');
    expect(out).toContain('+ gcloud iam service-accounts create rowshot-tasks ');
    expect(out).toMatch(/^\+ gcloud builds submit .*--config=\S+/m);
    expect(out).toMatch(/^\+ gcloud run services update rowshot .*--update-env-vars=ROWSHOT_PUBLIC_URL=\S+,ROWSHOT_TASKS_AUDIENCE=/m);
  });

  it('derives the rows queue from the Gemini quota: 60 images/min → 1/s, 600 → 10/s', () => {
    const at60 = line(dryRun({ ...base, GEMINI_IMAGES_PER_MINUTE: '60' }).out, 'gcloud tasks queues create rowshot-rows ');
    expect(at60).toMatch(/--max-dispatches-per-second=1(\s|$)/);
    expect(at60).toMatch(/--max-concurrent-dispatches=23(\s|$)/); // ceil(1 × 15 × 1.5)
    expect(at60).toMatch(/--max-attempts=5 --min-backoff=10s --max-backoff=300s --max-doublings=4/);
    const at600 = line(dryRun({ ...base, GEMINI_IMAGES_PER_MINUTE: '600' }).out, 'gcloud tasks queues create rowshot-rows ');
    expect(at600).toMatch(/--max-dispatches-per-second=10(\s|$)/);
    expect(at600).toMatch(/--max-concurrent-dispatches=225(\s|$)/);
    const slow = line(dryRun({ ...base, GEMINI_IMAGES_PER_MINUTE: '2' }).out, 'gcloud tasks queues create rowshot-rows ');
    expect(slow).toMatch(/--max-dispatches-per-second=0\.1(\s|$)/); // the floor

    const control = line(dryRun(base).out, 'gcloud tasks queues create rowshot-control ');
    expect(control).toMatch(/--max-dispatches-per-second=50 --max-concurrent-dispatches=20 --max-attempts=-1 --min-backoff=1s --max-backoff=60s/);
  });

  it('hardens the bucket and sets a lifecycle', () => {
    const { out } = dryRun({ ...base, RETENTION_TENANTS: 'acme', BATCH_RETENTION_DAYS: '30' });
    const create = line(out, 'gcloud storage buckets create gs://acme-images-rowshot ');
    expect(create).toContain('--uniform-bucket-level-access');
    expect(create).toContain('--public-access-prevention');
    expect(create).toMatch(/--lifecycle-file=\S+/);
    expect(out).toContain('"AbortIncompleteMultipartUpload"');
    expect(out).toContain('{"type":"Delete"},"condition":{"age":30,"matchesPrefix":["tenants/acme/batches/"]}');
  });

  it('binds each role to the right account, on the narrowest resource', () => {
    const { out } = dryRun(base);
    const run = 'serviceAccount:rowshot-run@acme-images.iam.gserviceaccount.com';
    const tasks = 'serviceAccount:rowshot-tasks@acme-images.iam.gserviceaccount.com';
    expect(line(out, 'gcloud storage buckets add-iam-policy-binding gs://acme-images-rowshot ')).toContain(`--member=${run} --role=roles/storage.objectAdmin`);
    expect(line(out, 'gcloud projects add-iam-policy-binding acme-images --member=serviceAccount:rowshot-run')).toContain('--role=roles/cloudtasks.enqueuer');
    expect(line(out, 'gcloud secrets add-iam-policy-binding rowshot-signing-secret ')).toContain(`--member=${run} --role=roles/secretmanager.secretAccessor`);
    expect(line(out, 'gcloud secrets add-iam-policy-binding rowshot-gemini-api-key ')).toContain(`--member=${run} --role=roles/secretmanager.secretAccessor`);
    expect(line(out, 'gcloud iam service-accounts add-iam-policy-binding rowshot-run@')).toContain(`--member=${run} --role=roles/iam.serviceAccountTokenCreator`);
    expect(line(out, 'gcloud iam service-accounts add-iam-policy-binding rowshot-tasks@')).toContain(`--member=${run} --role=roles/iam.serviceAccountUser`);
    expect(line(out, 'gcloud run services add-iam-policy-binding rowshot ')).toContain(`--member=${tasks} --role=roles/run.invoker`);
    // Nothing broader than needed, and the tasks identity holds only run.invoker.
    expect(out).not.toMatch(/roles\/(owner|editor|storage\.admin)\b/);
    const tasksRoles = out.split('\n').filter((l) => l.includes(`--member=${tasks}`)).map((l) => /--role=(\S+)/.exec(l)?.[1]);
    expect(tasksRoles).toEqual(['roles/run.invoker']);
  });

  it('deploys with the service account, secrets from Secret Manager and the cloud settings', () => {
    const { out } = dryRun(base);
    const deploy = line(out, 'gcloud run deploy rowshot ');
    expect(deploy).toContain('--service-account=rowshot-run@acme-images.iam.gserviceaccount.com');
    expect(deploy).toContain('--allow-unauthenticated');
    expect(deploy).toMatch(/--concurrency=80 --timeout=900 --cpu=2 --memory=2Gi --min-instances=0/);
    expect(deploy).toContain('--set-secrets=ROWSHOT_SIGNING_SECRET=rowshot-signing-secret:latest,GEMINI_API_KEY=rowshot-gemini-api-key:latest');
    for (const v of ['ROWSHOT_MODE=cloud', 'GOOGLE_CLOUD_PROJECT=acme-images', 'ROWSHOT_TASKS_LOCATION=us-central1', 'ROWSHOT_BUCKET=acme-images-rowshot',
      'ROWSHOT_TASKS_SERVICE_ACCOUNT=rowshot-tasks@acme-images.iam.gserviceaccount.com', 'ROWSHOT_PUBLIC_URL=https://', 'ROWSHOT_MAX_ATTEMPTS=5']) {
      expect(deploy).toContain(v);
    }
  });

  it('never prints the Gemini API key', () => {
    const { out } = dryRun(base);
    expect(out).not.toContain(gemini);
    expect(out).toContain('gcloud secrets versions add rowshot-gemini-api-key --data-file=-');
  });

  it('stops early with one line naming a missing variable', () => {
    const noProject = dryRun({ GEMINI_API_KEY: gemini });
    expect(noProject.code).not.toBe(0);
    expect(noProject.stderr.trim().split('\n')).toHaveLength(1);
    expect(noProject.stderr).toContain('PROJECT_ID');
    expect(noProject.out).not.toContain('+ gcloud');
    const noKey = dryRun({ PROJECT_ID: 'acme-images' });
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr.trim().split('\n')).toEqual([expect.stringContaining('GEMINI_API_KEY')]);
    const badRate = dryRun({ ...base, GEMINI_IMAGES_PER_MINUTE: 'lots' });
    expect(badRate.code).not.toBe(0);
    expect(badRate.stderr).toContain('GEMINI_IMAGES_PER_MINUTE');
  });

  it('sets the OIDC audience once, with the URL Cloud Run reports, not in the first deploy', () => {
    const { out } = dryRun(base);
    // The service defaults the audience to ROWSHOT_PUBLIC_URL; only the URL correction sets it, beside that URL.
    expect(line(out, 'gcloud run deploy rowshot ')).not.toContain('ROWSHOT_TASKS_AUDIENCE');
    expect(out.match(/ROWSHOT_TASKS_AUDIENCE=/g)).toHaveLength(1);
    const update = line(out, 'gcloud run services update rowshot ');
    const [, publicUrl, audience] = /ROWSHOT_PUBLIC_URL=(\S+),ROWSHOT_TASKS_AUDIENCE=(\S+)/.exec(update) ?? [];
    expect(audience).toBeDefined();
    expect(audience).toBe(publicUrl);
  });

  it('lists the Vertex settings in --help', () => {
    const r = spawnSync(join(binDir, 'bash'), [script, '--help'], { env: bareEnv, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\s*GEMINI_VERTEX\s+false\s/m);
    expect(r.stdout).toMatch(/^\s*GEMINI_LOCATION\s+global\s/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^--dry-run prints every command/);
  });
});

describe('backend/deploy/deploy.sh with GEMINI_VERTEX=true', () => {
  const vertex = { PROJECT_ID: 'acme-images', GEMINI_VERTEX: 'true' };
  const runSa = 'serviceAccount:rowshot-run@acme-images.iam.gserviceaccount.com';

  it('needs no Gemini key and never mentions the Gemini secret', () => {
    const { code, out } = dryRun(vertex);
    expect(code, out).toBe(0);
    expect(out).not.toContain('rowshot-gemini-api-key');
    expect(out).not.toContain('GEMINI_API_KEY');
    expect(line(out, 'gcloud run deploy rowshot ')).toMatch(/ --set-secrets=ROWSHOT_SIGNING_SECRET=rowshot-signing-secret:latest /);
  });

  it('ignores a key that is also set: not stored, not mounted, not printed', () => {
    const { code, out } = dryRun({ ...vertex, GEMINI_API_KEY: gemini });
    expect(code, out).toBe(0);
    expect(out).not.toContain(gemini);
    expect(out).not.toContain('rowshot-gemini-api-key');
    expect(line(out, 'gcloud run deploy rowshot ')).not.toContain('GEMINI_API_KEY');
  });

  it('enables Vertex AI instead of the Gemini API and lets rowshot-run call it', () => {
    const { out } = dryRun(vertex);
    const enable = line(out, 'gcloud services enable ');
    expect(enable).toContain(' aiplatform.googleapis.com ');
    expect(enable).not.toContain('generativelanguage.googleapis.com');
    const binding = line(out, `gcloud projects add-iam-policy-binding acme-images --member=${runSa} --role=roles/aiplatform.user `);
    expect(binding).toContain('--condition=None');
    // Still nothing broader than needed.
    expect(out).not.toMatch(/roles\/(owner|editor|aiplatform\.admin)\b/);
  });

  it('tells the service to use Vertex in the project and location', () => {
    const deploy = line(dryRun(vertex).out, 'gcloud run deploy rowshot ');
    for (const v of ['|ROWSHOT_GEMINI_VERTEX=true', '|ROWSHOT_GEMINI_LOCATION=global', '|GOOGLE_CLOUD_PROJECT=acme-images']) expect(deploy).toContain(v);
    const regional = line(dryRun({ ...vertex, GEMINI_LOCATION: 'us-central1' }).out, 'gcloud run deploy rowshot ');
    expect(regional).toContain('|ROWSHOT_GEMINI_LOCATION=us-central1');
  });

  it('leaves the key deployment untouched when GEMINI_VERTEX is false or unset', () => {
    // Fixed image tag, and the temp file names (random) masked, so two runs can be compared whole.
    const norm = (o: string) => o.replace(/rowshot-(lifecycle|cloudbuild)\.[^./\s]+\./g, 'rowshot-$1.X.');
    const unset = dryRun({ ...base, IMAGE_TAG: 't1' });
    const off = dryRun({ ...base, IMAGE_TAG: 't1', GEMINI_VERTEX: 'false', GEMINI_LOCATION: 'europe-west4' });
    expect(off.code).toBe(0);
    expect(norm(off.out)).toBe(norm(unset.out));
    expect(unset.out).not.toContain('aiplatform');
    expect(line(unset.out, 'gcloud run deploy rowshot ')).not.toMatch(/ROWSHOT_GEMINI_(VERTEX|LOCATION)/);
  });

  it('stops with one line naming GEMINI_VERTEX or GEMINI_LOCATION when either is malformed', () => {
    for (const [env, name] of [[{ GEMINI_VERTEX: 'yes' }, 'GEMINI_VERTEX'], [{ GEMINI_VERTEX: 'TRUE' }, 'GEMINI_VERTEX'],
      [{ GEMINI_VERTEX: 'true', GEMINI_LOCATION: 'US Central' }, 'GEMINI_LOCATION']] as const) {
      const r = dryRun({ PROJECT_ID: 'acme-images', ...env });
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^deploy\\.sh: ${name} must be`))]);
      expect(r.out).not.toContain('+ gcloud');
    }
  });
});

describe('backend/Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'backend', 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));

  it('has a build stage and a runtime stage on a supported Node LTS (22), as package.json engines says', () => {
    const froms = instructions.filter((l) => /^FROM\s/i.test(l));
    expect(froms).toHaveLength(2);
    for (const f of froms) expect(f).toMatch(/^FROM node:22-bookworm-slim\b/);
    expect((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node).toBe('>=22');
    expect(dockerfile).toMatch(/npm ci\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/node_modules/);
  });

  it('runs as a non-root user in cloud mode', () => {
    const users = instructions.filter((l) => /^USER\s/i.test(l));
    expect(users).toEqual(['USER node']);
    expect(dockerfile).toMatch(/ENV NODE_ENV=production ROWSHOT_MODE=cloud ROWSHOT_HOST=0\.0\.0\.0/);
    expect(dockerfile).toContain('EXPOSE 8080');
    expect(dockerfile).toContain('CMD ["node", "bin/rowshot.mjs", "serve"]');
  });

  it('installs the fonts the renderer needs, without recommends, and cleans apt lists', () => {
    for (const pkg of ['fonts-dejavu-core', 'fonts-noto-cjk', 'fonts-noto-color-emoji']) expect(dockerfile).toContain(pkg);
    expect(dockerfile).toContain('--no-install-recommends');
    expect(dockerfile).toContain('rm -rf /var/lib/apt/lists/*');
  });

  it('copies only what runs: no `COPY . .`, no tests or benchmarks', () => {
    const copies = instructions.filter((l) => /^COPY\s/i.test(l));
    for (const c of copies) {
      expect(c).not.toMatch(/^COPY\s+(--\S+\s+)*\.\s/);
      expect(c).not.toMatch(/\b(test|bench|examples)\b/);
    }
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', '.git', 'test', 'bench', 'examples/*-assets', '.rowshot', 'dist']) expect(ignore).toContain(entry);
    expect(existsSync(join(root, 'backend', 'deploy', 'deploy.sh'))).toBe(true);
  });
});
