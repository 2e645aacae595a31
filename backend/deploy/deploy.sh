#!/usr/bin/env bash
# Deploy Rowshot to Google Cloud from an empty project (and re-deploy: every step is idempotent).
#
#   PROJECT_ID=my-project GEMINI_API_KEY=... backend/deploy/deploy.sh [--dry-run]
#   PROJECT_ID=my-project GEMINI_VERTEX=true backend/deploy/deploy.sh [--dry-run]
#
# Inputs (environment):
#   PROJECT_ID                 required  the Google Cloud project
#   GEMINI_API_KEY             required  stored in Secret Manager; never printed (not with GEMINI_VERTEX=true)
#   GEMINI_VERTEX              false     true: Gemini through Vertex AI with the service's identity, no key
#   GEMINI_LOCATION            global    Vertex AI location (GEMINI_VERTEX=true only)
#   PROVIDER_CHAIN             (server default: the recommended Gemini model)  models of `auto` rows, in order, e.g. gemini-3.1-flash-image,gemini-3-pro-image
#   REGION                     us-central1  Cloud Run, Cloud Tasks, bucket and Artifact Registry location
#   SERVICE                    rowshot   Cloud Run service name
#   BUCKET                     ${PROJECT_ID}-rowshot
#   GEMINI_IMAGES_PER_MINUTE   60        the project's Gemini image quota (see AI Studio / quotas page)
#   IMAGES_PER_ROW             1         typical images per row (aspect ratios x variants)
#   BATCH_RETENTION_DAYS       30        delete batch objects after this many days (0 = keep)
#   RETENTION_TENANTS          (none)    comma list of tenants whose batches the retention rule covers
#   MAX_INSTANCES              derived   Cloud Run max instances
#   IMAGE_TAG                  UTC timestamp
#
# --dry-run prints every command (prefixed "+ ") instead of running it; it needs no gcloud.
set -euo pipefail

DRY_RUN=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    # The header comment is the help: every "#" line after the shebang, up to the first code line.
    -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
    *) echo "deploy.sh: unknown argument: $arg (expected --dry-run)" >&2; exit 2 ;;
  esac
done

die() { echo "deploy.sh: $*" >&2; exit 1; }

# ---- validate every input before touching anything ----
[[ -n "${PROJECT_ID:-}" ]] || die "PROJECT_ID is required (the Google Cloud project id to deploy into)"
GEMINI_VERTEX="${GEMINI_VERTEX:-false}"
GEMINI_LOCATION="${GEMINI_LOCATION:-global}"
[[ "$GEMINI_VERTEX" == true || "$GEMINI_VERTEX" == false ]] || die "GEMINI_VERTEX must be true or false (got \"$GEMINI_VERTEX\")"
if [[ "$GEMINI_VERTEX" == true ]]; then
  # Same rule as the service's ROWSHOT_GEMINI_LOCATION, so a value accepted here also starts there.
  [[ "$GEMINI_LOCATION" =~ ^[a-z][a-z0-9-]*[a-z0-9]$ ]] || die "GEMINI_LOCATION must be a Vertex AI location like global or us-central1 (got \"$GEMINI_LOCATION\")"
else
  [[ -n "${GEMINI_API_KEY:-}" ]] || die "GEMINI_API_KEY is required (a Gemini API key; it is stored in Secret Manager as rowshot-gemini-api-key), or set GEMINI_VERTEX=true"
fi
REGION="${REGION:-us-central1}"
SERVICE="${SERVICE:-rowshot}"
BUCKET="${BUCKET:-${PROJECT_ID}-rowshot}"
GEMINI_IMAGES_PER_MINUTE="${GEMINI_IMAGES_PER_MINUTE:-60}"
IMAGES_PER_ROW="${IMAGES_PER_ROW:-1}"
BATCH_RETENTION_DAYS="${BATCH_RETENTION_DAYS:-30}"
RETENTION_TENANTS="${RETENTION_TENANTS:-}"
IMAGE_TAG="${IMAGE_TAG:-$(date -u +%Y%m%d-%H%M%S)}"
[[ "$PROJECT_ID" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || die "PROJECT_ID must be a project id like my-project-123 (got \"$PROJECT_ID\")"
[[ "$REGION" =~ ^[a-z]+-[a-z]+[0-9]+$ ]] || die "REGION must be a region like us-central1 (got \"$REGION\")"
[[ "$SERVICE" =~ ^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$ ]] || die "SERVICE must be a Cloud Run service name (got \"$SERVICE\")"
[[ "$BUCKET" =~ ^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$ ]] || die "BUCKET must be a Cloud Storage bucket name (got \"$BUCKET\")"
[[ "$GEMINI_IMAGES_PER_MINUTE" =~ ^[0-9]+$ && "$GEMINI_IMAGES_PER_MINUTE" -ge 1 ]] || die "GEMINI_IMAGES_PER_MINUTE must be a whole number >= 1 (got \"$GEMINI_IMAGES_PER_MINUTE\")"
[[ "$IMAGES_PER_ROW" =~ ^[0-9]+$ && "$IMAGES_PER_ROW" -ge 1 ]] || die "IMAGES_PER_ROW must be a whole number >= 1 (got \"$IMAGES_PER_ROW\")"
[[ "$BATCH_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BATCH_RETENTION_DAYS must be a whole number of days, 0 to keep batches (got \"$BATCH_RETENTION_DAYS\")"
[[ -z "$RETENTION_TENANTS" || "$RETENTION_TENANTS" =~ ^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$ ]] || die "RETENTION_TENANTS must be a comma list of tenant names (got \"$RETENTION_TENANTS\")"
if [[ -n "${MAX_INSTANCES:-}" ]]; then
  [[ "$MAX_INSTANCES" =~ ^[0-9]+$ && "$MAX_INSTANCES" -ge 1 ]] || die "MAX_INSTANCES must be a whole number >= 1 (got \"$MAX_INSTANCES\")"
fi
if [[ "$DRY_RUN" -eq 0 ]]; then
  command -v gcloud >/dev/null 2>&1 || die "gcloud is not on PATH (install the Google Cloud CLI, or use --dry-run to see the commands)"
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROVIDER_CHAIN="${PROVIDER_CHAIN:-}"
if [[ -n "$PROVIDER_CHAIN" ]]; then
  [[ "$PROVIDER_CHAIN" =~ ^[a-z0-9.-]+(,[a-z0-9.-]+)*$ ]] || die "PROVIDER_CHAIN must be a comma list of model ids like gemini-3.1-flash-image,template (got \"$PROVIDER_CHAIN\")"
  # The ids the service knows are those of the registry it is built from.
  MODELS_TS="$(<"$REPO_ROOT/shared/models.ts")"
  IFS=',' read -ra CHAIN_IDS <<<"$PROVIDER_CHAIN"
  for model in "${CHAIN_IDS[@]}"; do
    [[ "$MODELS_TS" == *"id: '$model'"* ]] || die "PROVIDER_CHAIN: \"$model\" is not a model of shared/models.ts"
  done
fi
RUN_SA="rowshot-run@${PROJECT_ID}.iam.gserviceaccount.com"
TASKS_SA="rowshot-tasks@${PROJECT_ID}.iam.gserviceaccount.com"
BUILD_SA="rowshot-build@${PROJECT_ID}.iam.gserviceaccount.com"
ROWS_QUEUE="rowshot-rows"
CONTROL_QUEUE="rowshot-control"
SIGNING_SECRET="rowshot-signing-secret"
GEMINI_SECRET="rowshot-gemini-api-key"
AR_REPO="rowshot"
IMAGE="${REGION}-docker.pkg.dev/${PROJECT_ID}/${AR_REPO}/rowshot:${IMAGE_TAG}"
BUILD_STAGING="gs://${PROJECT_ID}_cloudbuild"

# ---- command runner: prints (dry run) or runs ----
# Arguments are shown as typed; only ones with unusual characters are quoted.
show() {
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./:=@,+%^-]+$ ]]; then out+="$a "; else out+="'${a//\'/\'\\\'\'}' "; fi
  done
  printf '%s\n' "${out% }"
}
run() {
  if [[ "$DRY_RUN" -eq 1 ]]; then echo "+ $(show "$@")"; else echo "+ $(show "$@")" >&2; "$@"; fi
}
# Does the resource exist? In a dry run the check is printed and the answer is "no", so the
# output shows the create path a first deploy takes.
exists() {
  if [[ "$DRY_RUN" -eq 1 ]]; then echo "+ $(show "$@")   # dry run: assumed missing"; return 1; fi
  "$@" >/dev/null 2>&1
}
# IAM is eventually consistent: a service account created seconds ago can be "not found" by a
# binding. Retry a few times before giving up.
run_retry() {
  local i
  for i in 1 2 3 4 5; do
    if run "$@"; then return 0; fi
    [[ "$DRY_RUN" -eq 1 ]] && return 0
    echo "deploy.sh: retrying in $((i * 5))s (IAM propagation)" >&2; sleep $((i * 5))
  done
  die "failed after 5 attempts: $(show "$@")"
}
# --condition=None only where it is needed and supported: project policies (it stops gcloud from
# prompting when the policy already holds conditional bindings).
bind_quiet() { run_retry "$@" --quiet --format=none; }
bind_project() { bind_quiet gcloud projects add-iam-policy-binding "$PROJECT_ID" "$@" --condition=None; }
note() { printf '# %s\n' "$*"; }

# ---- derive the queue settings from the model quota ----
# Gemini rate limits are per project (images per minute). Every row task calls the model, so the
# rows queue must not dispatch faster than the quota allows: a faster queue only produces 429s,
# which burn attempts and trip the circuit breaker.
#   rate        = images_per_minute / 60 / images_per_row   dispatches/s, 2 decimals, min 0.1
#                 (Cloud Tasks allows at most 500/s per queue)
#   concurrency = ceil(rate x 15 s typical image latency x 1.5 headroom)   (Little's law)
#                 (Cloud Tasks allows at most 5,000)
# Retries: 5 attempts, 10 s..300 s backoff, 4 doublings (10, 20, 40, 80, 160 s): long enough to
# ride out a quota minute or a short outage; ROWSHOT_MAX_ATTEMPTS is set to the same 5 so the
# service knows which attempt is the last and ends the row FAILED instead of losing it.
# The control queue (fan-out, flush, watchdog) never calls the model: 50/s, 20 concurrent, and
# unlimited attempts with 1 s..60 s backoff, because a dropped flush or watchdog strands a batch.
read -r ROWS_RATE ROWS_CONCURRENCY < <(awk -v ipm="$GEMINI_IMAGES_PER_MINUTE" -v ipr="$IMAGES_PER_ROW" 'BEGIN {
  r = ipm / 60 / ipr; r = int(r * 100 + 0.5) / 100; if (r < 0.1) r = 0.1; if (r > 500) r = 500;
  c = r * 15 * 1.5; ci = int(c); if (ci < c) ci++; if (ci < 1) ci = 1; if (ci > 5000) ci = 5000;
  rs = sprintf("%.2f", r); sub(/0+$/, "", rs); sub(/\.$/, "", rs);
  print rs, ci }')
ROWS_MAX_ATTEMPTS=5
CONTROL_RATE=50
CONTROL_CONCURRENCY=20
# Cloud Run: 80 concurrent requests per instance; a row task holds one request while it waits for
# the model. Enough instances for both queues at full concurrency, plus one for API traffic.
if [[ -z "${MAX_INSTANCES:-}" ]]; then
  MAX_INSTANCES=$(( (ROWS_CONCURRENCY + CONTROL_CONCURRENCY + 79) / 80 + 1 ))
fi
# The Sheets quota is 60 writes/min per user, and the whole service is one user (rowshot-run),
# but the limiter is per process: split 55/min across the instances that may run.
SHEETS_WPM=$(( 55 / MAX_INSTANCES )); [[ "$SHEETS_WPM" -ge 1 ]] || SHEETS_WPM=1

note "Rowshot deploy: project=$PROJECT_ID region=$REGION service=$SERVICE bucket=gs://$BUCKET$([[ $DRY_RUN -eq 1 ]] && echo ' (dry run)')"
note "Gemini quota ${GEMINI_IMAGES_PER_MINUTE} images/min, ${IMAGES_PER_ROW} image(s)/row -> ${ROWS_QUEUE}: ${ROWS_RATE} dispatches/s, ${ROWS_CONCURRENCY} concurrent (= ceil(${ROWS_RATE}/s x 15 s x 1.5)), ${ROWS_MAX_ATTEMPTS} attempts, backoff 10s..300s, 4 doublings"
note "${CONTROL_QUEUE}: ${CONTROL_RATE}/s, ${CONTROL_CONCURRENCY} concurrent, unlimited attempts, backoff 1s..60s (fan-out, flush and watchdog must never be dropped)"
note "Cloud Run: at most ${MAX_INSTANCES} instances x 80 requests >= ${ROWS_CONCURRENCY} + ${CONTROL_CONCURRENCY} task requests; Sheets writes ${SHEETS_WPM}/min per instance (55/min for the one service account / ${MAX_INSTANCES})"

# ---- 1. APIs ----
note "1/9 enabling APIs"
# Gemini is either the Gemini API (generativelanguage, with a key) or Vertex AI (aiplatform, with
# the service's own identity); only the one in use is enabled.
if [[ "$GEMINI_VERTEX" == true ]]; then GEMINI_API=aiplatform.googleapis.com; else GEMINI_API=generativelanguage.googleapis.com; fi
run gcloud services enable run.googleapis.com cloudtasks.googleapis.com storage.googleapis.com \
  secretmanager.googleapis.com iam.googleapis.com iamcredentials.googleapis.com sheets.googleapis.com \
  "$GEMINI_API" artifactregistry.googleapis.com cloudbuild.googleapis.com \
  --project="$PROJECT_ID"

# ---- 2. service accounts ----
note "2/9 service accounts: rowshot-run (the service), rowshot-tasks (Cloud Tasks' OIDC identity), rowshot-build (Cloud Build)"
sa_ensure() {
  local name="$1" title="$2"
  exists gcloud iam service-accounts describe "${name}@${PROJECT_ID}.iam.gserviceaccount.com" --project="$PROJECT_ID" \
    || run gcloud iam service-accounts create "$name" --display-name="$title" --project="$PROJECT_ID"
}
sa_ensure rowshot-run "Rowshot service (Cloud Run runtime)"
sa_ensure rowshot-tasks "Rowshot Cloud Tasks OIDC identity"
sa_ensure rowshot-build "Rowshot image builds (Cloud Build)"

# ---- 3. bucket ----
note "3/9 bucket gs://$BUCKET: private, uniform bucket-level access, public access prevention, lifecycle"
LIFECYCLE_FILE="$(mktemp "${TMPDIR:-/tmp}/rowshot-lifecycle.XXXXXX.json")"
trap 'rm -f "$LIFECYCLE_FILE" "${BUILD_CONFIG:-}"' EXIT
# Cloud Storage lifecycle prefixes are literal: "tenants/*/batches/" cannot be written, and a rule
# on "tenants/" would also delete API keys' tenants, packs and ledgers. So the batch rule lists
# each tenant's "tenants/<name>/batches/" (RETENTION_TENANTS); re-run after adding a tenant.
rules='{"action":{"type":"AbortIncompleteMultipartUpload"},"condition":{"age":1}}'
if [[ "$BATCH_RETENTION_DAYS" -gt 0 && -n "$RETENTION_TENANTS" ]]; then
  prefixes=""
  IFS=',' read -r -a tenants <<<"$RETENTION_TENANTS"
  for t in "${tenants[@]}"; do prefixes+="${prefixes:+,}\"tenants/${t}/batches/\""; done
  rules+=",{\"action\":{\"type\":\"Delete\"},\"condition\":{\"age\":${BATCH_RETENTION_DAYS},\"matchesPrefix\":[${prefixes}]}}"
  note "batch objects (manifests, rows, images) of ${RETENTION_TENANTS} are deleted after ${BATCH_RETENTION_DAYS} days; their /a/ links stop working then"
elif [[ "$BATCH_RETENTION_DAYS" -gt 0 ]]; then
  note "WARNING: no batch retention rule: set RETENTION_TENANTS=tenant1,tenant2 (lifecycle prefixes cannot match tenants/*/batches/)"
fi
printf '{"rule":[%s]}\n' "$rules" >"$LIFECYCLE_FILE"
note "lifecycle: $(cat "$LIFECYCLE_FILE")"
if exists gcloud storage buckets describe "gs://$BUCKET" --project="$PROJECT_ID"; then
  run gcloud storage buckets update "gs://$BUCKET" --project="$PROJECT_ID" \
    --uniform-bucket-level-access --public-access-prevention --lifecycle-file="$LIFECYCLE_FILE"
else
  run gcloud storage buckets create "gs://$BUCKET" --project="$PROJECT_ID" --location="$REGION" \
    --default-storage-class=STANDARD --uniform-bucket-level-access --public-access-prevention \
    --lifecycle-file="$LIFECYCLE_FILE"
fi

# ---- 4. secrets (values go through stdin, never through arguments or output) ----
if [[ "$GEMINI_VERTEX" == true ]]; then
  note "4/9 secret $SIGNING_SECRET (Gemini through Vertex AI in $GEMINI_LOCATION: no API key is stored)"
  [[ -z "${GEMINI_API_KEY:-}" ]] || note "GEMINI_API_KEY is set but ignored: GEMINI_VERTEX=true uses the service's identity"
else
  note "4/9 secrets $SIGNING_SECRET and $GEMINI_SECRET"
fi
exists gcloud secrets describe "$SIGNING_SECRET" --project="$PROJECT_ID" \
  || run gcloud secrets create "$SIGNING_SECRET" --replication-policy=automatic --project="$PROJECT_ID"
# Generated once: rotating it invalidates every /a/ link ever written (see docs/deploy.md).
if ! exists gcloud secrets versions describe latest --secret="$SIGNING_SECRET" --project="$PROJECT_ID"; then
  if [[ "$DRY_RUN" -eq 1 ]]; then
    echo "+ head -c 48 /dev/urandom | base64 | tr -d '\\n' | gcloud secrets versions add $SIGNING_SECRET --data-file=- --project=$PROJECT_ID"
  else
    head -c 48 /dev/urandom | base64 | tr -d '\n' \
      | gcloud secrets versions add "$SIGNING_SECRET" --data-file=- --project="$PROJECT_ID" --format=none
  fi
fi
if [[ "$GEMINI_VERTEX" == false ]]; then
  exists gcloud secrets describe "$GEMINI_SECRET" --project="$PROJECT_ID" \
    || run gcloud secrets create "$GEMINI_SECRET" --replication-policy=automatic --project="$PROJECT_ID"
  # A new version only when the key changed, so re-deploys do not pile up versions.
  if [[ "$DRY_RUN" -eq 1 ]]; then
    echo "+ printf %s \"\$GEMINI_API_KEY\" | gcloud secrets versions add $GEMINI_SECRET --data-file=- --project=$PROJECT_ID   # only if it differs from the latest version"
  elif [[ "$(gcloud secrets versions access latest --secret="$GEMINI_SECRET" --project="$PROJECT_ID" 2>/dev/null || true)" != "$GEMINI_API_KEY" ]]; then
    printf '%s' "$GEMINI_API_KEY" | gcloud secrets versions add "$GEMINI_SECRET" --data-file=- --project="$PROJECT_ID" --format=none
    echo "+ (new version of $GEMINI_SECRET added)" >&2
  fi
fi

# ---- 5. queues ----
note "5/9 Cloud Tasks queues in $REGION"
queue_ensure() {
  local q="$1"; shift
  if exists gcloud tasks queues describe "$q" --location="$REGION" --project="$PROJECT_ID"; then
    run gcloud tasks queues update "$q" --location="$REGION" --project="$PROJECT_ID" "$@"
  else
    run gcloud tasks queues create "$q" --location="$REGION" --project="$PROJECT_ID" "$@"
  fi
}
queue_ensure "$ROWS_QUEUE" --max-dispatches-per-second="$ROWS_RATE" --max-concurrent-dispatches="$ROWS_CONCURRENCY" \
  --max-attempts="$ROWS_MAX_ATTEMPTS" --min-backoff=10s --max-backoff=300s --max-doublings=4
queue_ensure "$CONTROL_QUEUE" --max-dispatches-per-second="$CONTROL_RATE" --max-concurrent-dispatches="$CONTROL_CONCURRENCY" \
  --max-attempts=-1 --min-backoff=1s --max-backoff=60s

# ---- 6. IAM: least privilege ----
note "6/9 IAM bindings"
# rowshot-run: read/write objects in this bucket only (no bucket admin, no other bucket).
bind_quiet gcloud storage buckets add-iam-policy-binding "gs://$BUCKET" --member="serviceAccount:$RUN_SA" --role=roles/storage.objectAdmin
# rowshot-run: create tasks (enqueuer only; it cannot delete or reconfigure queues).
bind_project --member="serviceAccount:$RUN_SA" --role=roles/cloudtasks.enqueuer
# rowshot-run: read its secrets (signing, and the Gemini key unless Vertex), nothing else in Secret Manager.
bind_quiet gcloud secrets add-iam-policy-binding "$SIGNING_SECRET" --project="$PROJECT_ID" --member="serviceAccount:$RUN_SA" --role=roles/secretmanager.secretAccessor
if [[ "$GEMINI_VERTEX" == true ]]; then
  # rowshot-run: call Gemini on Vertex AI. generateContent on a publisher model checks
  # aiplatform.endpoints.predict in the project; of the predefined Vertex roles, Vertex AI User is
  # the least privilege that holds it (Viewer cannot predict, Admin is aiplatform.*). A custom role
  # with only that permission would be tighter still.
  bind_project --member="serviceAccount:$RUN_SA" --role=roles/aiplatform.user
else
  bind_quiet gcloud secrets add-iam-policy-binding "$GEMINI_SECRET" --project="$PROJECT_ID" --member="serviceAccount:$RUN_SA" --role=roles/secretmanager.secretAccessor
fi
# rowshot-run: sign V4 URLs. On Cloud Run there is no key file, so the library calls IAM signBlob
# as the service account itself, which needs Token Creator on itself (and on nothing else).
bind_quiet gcloud iam service-accounts add-iam-policy-binding "$RUN_SA" --project="$PROJECT_ID" --member="serviceAccount:$RUN_SA" --role=roles/iam.serviceAccountTokenCreator
# rowshot-run: create tasks whose OIDC token is minted for rowshot-tasks (actAs on that one account).
bind_quiet gcloud iam service-accounts add-iam-policy-binding "$TASKS_SA" --project="$PROJECT_ID" --member="serviceAccount:$RUN_SA" --role=roles/iam.serviceAccountUser
# rowshot-build: push the image, write build logs, read the uploaded source. Nothing else.
bind_project --member="serviceAccount:$BUILD_SA" --role=roles/logging.logWriter

# ---- 7. build the image with Cloud Build (backend/Dockerfile, repository root as context) ----
note "7/9 image $IMAGE"
exists gcloud artifacts repositories describe "$AR_REPO" --location="$REGION" --project="$PROJECT_ID" \
  || run gcloud artifacts repositories create "$AR_REPO" --repository-format=docker --location="$REGION" \
       --description="Rowshot images" --project="$PROJECT_ID"
bind_quiet gcloud artifacts repositories add-iam-policy-binding "$AR_REPO" --location="$REGION" --project="$PROJECT_ID" --member="serviceAccount:$BUILD_SA" --role=roles/artifactregistry.writer
exists gcloud storage buckets describe "$BUILD_STAGING" --project="$PROJECT_ID" \
  || run gcloud storage buckets create "$BUILD_STAGING" --project="$PROJECT_ID" --location="$REGION" \
       --uniform-bucket-level-access --public-access-prevention
bind_quiet gcloud storage buckets add-iam-policy-binding "$BUILD_STAGING" --member="serviceAccount:$BUILD_SA" --role=roles/storage.objectViewer
# `gcloud run deploy --source` only finds a Dockerfile at the root of the source, and ours is
# backend/Dockerfile; so build with an explicit config and deploy the image.
BUILD_CONFIG="$(mktemp "${TMPDIR:-/tmp}/rowshot-cloudbuild.XXXXXX.yaml")"
cat >"$BUILD_CONFIG" <<'YAML'
steps:
  - name: gcr.io/cloud-builders/docker
    args: ['build', '-f', 'backend/Dockerfile', '-t', '$_IMAGE', '.']
images: ['$_IMAGE']
options:
  logging: CLOUD_LOGGING_ONLY
YAML
note "cloudbuild config: docker build -f backend/Dockerfile -t \$_IMAGE . ; push \$_IMAGE"
run gcloud builds submit "$REPO_ROOT" --project="$PROJECT_ID" --region="$REGION" --config="$BUILD_CONFIG" \
  --substitutions="_IMAGE=$IMAGE" --service-account="projects/$PROJECT_ID/serviceAccounts/$BUILD_SA" \
  --gcs-source-staging-dir="$BUILD_STAGING/source"

# ---- 8. deploy ----
note "8/9 Cloud Run service $SERVICE"
# The service refuses to start without ROWSHOT_PUBLIC_URL, so the first revision needs a URL
# before Cloud Run has told us one: use the existing service's URL, or the deterministic
# https://SERVICE-PROJECT_NUMBER.REGION.run.app. Step 9 switches to the reported URL if different.
if [[ "$DRY_RUN" -eq 1 ]]; then
  echo "+ $(show gcloud run services describe "$SERVICE" --region="$REGION" --project="$PROJECT_ID" '--format=value(status.url)')   # dry run: assumed missing"
  echo "+ $(show gcloud projects describe "$PROJECT_ID" '--format=value(projectNumber)')"
  URL="https://${SERVICE}-PROJECT_NUMBER.${REGION}.run.app"
else
  URL="$(gcloud run services describe "$SERVICE" --region="$REGION" --project="$PROJECT_ID" --format='value(status.url)' 2>/dev/null || true)"
  if [[ -z "$URL" ]]; then
    URL="https://${SERVICE}-$(gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)').${REGION}.run.app"
  fi
fi
# The README's cloud settings. --set-env-vars and --set-secrets replace the whole lists, so a
# re-deploy is declarative (switching to Vertex unmounts the key). The leading "^|^" is gcloud's
# alternate-delimiter syntax: "|" separates the pairs, so a value could hold a comma.
ENV_VARS="^|^ROWSHOT_MODE=cloud|ROWSHOT_HOST=0.0.0.0|GOOGLE_CLOUD_PROJECT=$PROJECT_ID|ROWSHOT_TASKS_LOCATION=$REGION"
ENV_VARS+="|ROWSHOT_BUCKET=$BUCKET|ROWSHOT_ROWS_QUEUE=$ROWS_QUEUE|ROWSHOT_CONTROL_QUEUE=$CONTROL_QUEUE"
ENV_VARS+="|ROWSHOT_TASKS_SERVICE_ACCOUNT=$TASKS_SA|ROWSHOT_SERVICE_ACCOUNT=$RUN_SA"
# No ROWSHOT_TASKS_AUDIENCE here: the service defaults it to ROWSHOT_PUBLIC_URL, and this URL may be
# the provisional one; step 9 sets both together when Cloud Run reports a different URL.
ENV_VARS+="|ROWSHOT_PUBLIC_URL=$URL"
ENV_VARS+="|ROWSHOT_MAX_ATTEMPTS=$ROWS_MAX_ATTEMPTS|ROWSHOT_SHEETS_WRITES_PER_MINUTE=$SHEETS_WPM"
if [[ -n "$PROVIDER_CHAIN" ]]; then ENV_VARS+="|ROWSHOT_PROVIDER_CHAIN=$PROVIDER_CHAIN"; fi
# Vertex AI: the SDK takes an OAuth token for rowshot-run from the metadata server (ADC) and
# calls Vertex in GOOGLE_CLOUD_PROJECT (set above); no key, so no Gemini secret is mounted.
SECRETS="ROWSHOT_SIGNING_SECRET=${SIGNING_SECRET}:latest"
if [[ "$GEMINI_VERTEX" == true ]]; then
  ENV_VARS+="|ROWSHOT_GEMINI_VERTEX=true|ROWSHOT_GEMINI_LOCATION=$GEMINI_LOCATION"
else
  SECRETS+=",GEMINI_API_KEY=${GEMINI_SECRET}:latest"
fi
# --allow-unauthenticated is deliberate: /a/ links (=IMAGE() in Sheets) and the add-on call the
# service without Google identity. The app authenticates itself: API keys on /v1, HMAC on /a/,
# OIDC tokens from rowshot-tasks (checked for audience and email) on /tasks/*.
run gcloud run deploy "$SERVICE" --project="$PROJECT_ID" --region="$REGION" --image="$IMAGE" \
  --service-account="$RUN_SA" --allow-unauthenticated \
  --concurrency=80 --timeout=900 --cpu=2 --memory=2Gi --min-instances=0 --max-instances="$MAX_INSTANCES" \
  --set-env-vars="$ENV_VARS" \
  --set-secrets="$SECRETS" \
  --quiet

# ---- 9. public URL, OIDC audience, invoker ----
note "9/9 public URL and task invoker"
if [[ "$DRY_RUN" -eq 1 ]]; then
  echo "+ $(show gcloud run services describe "$SERVICE" --region="$REGION" --project="$PROJECT_ID" '--format=value(status.url)')"
  REPORTED_URL="https://${SERVICE}-PROJECT_NUMBER.${REGION}.run.app"
  run gcloud run services update "$SERVICE" --project="$PROJECT_ID" --region="$REGION" \
    --update-env-vars="ROWSHOT_PUBLIC_URL=$REPORTED_URL,ROWSHOT_TASKS_AUDIENCE=$REPORTED_URL" --quiet
else
  REPORTED_URL="$(gcloud run services describe "$SERVICE" --region="$REGION" --project="$PROJECT_ID" --format='value(status.url)')"
  if [[ "$REPORTED_URL" != "$URL" ]]; then
    run gcloud run services update "$SERVICE" --project="$PROJECT_ID" --region="$REGION" \
      --update-env-vars="ROWSHOT_PUBLIC_URL=$REPORTED_URL,ROWSHOT_TASKS_AUDIENCE=$REPORTED_URL" --quiet
  fi
fi
# rowshot-tasks may invoke this service (and nothing else); this matters as soon as the service
# is ever switched to --no-allow-unauthenticated.
bind_quiet gcloud run services add-iam-policy-binding "$SERVICE" --project="$PROJECT_ID" --region="$REGION" --member="serviceAccount:$TASKS_SA" --role=roles/run.invoker

cat <<EOF

Rowshot is deployed: $REPORTED_URL
  check:   curl -s $REPORTED_URL/healthz
  sheets:  share each Google Sheet with $RUN_SA as Editor (or use the add-on's sync)

Create an API key by running the CLI on your machine against the cloud store (recommended; a
Cloud Run job would print the key into Cloud Logging):
  gcloud auth application-default login
  export ROWSHOT_MODE=cloud GOOGLE_CLOUD_PROJECT=$PROJECT_ID ROWSHOT_BUCKET=$BUCKET \\
    ROWSHOT_TASKS_LOCATION=$REGION ROWSHOT_TASKS_SERVICE_ACCOUNT=$TASKS_SA \\
    ROWSHOT_PUBLIC_URL=$REPORTED_URL ROWSHOT_GEMINI_VERTEX=true
  export ROWSHOT_SIGNING_SECRET="\$(gcloud secrets versions access latest --secret=$SIGNING_SECRET --project=$PROJECT_ID)"
  npx rowshot keys create --tenant NAME
EOF
