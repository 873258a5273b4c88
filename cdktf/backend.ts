import { LocalBackend, S3Backend, TerraformStack } from 'cdktf'
import type { RemoteStateInputs } from './inputs'

/**
 * Where a stack keeps its Terraform state: S3 under `<keyPrefix>/<stateName>.tfstate` with a lock,
 * or, without remote state inputs, a local file (fine for synth, refused by deploy/destroy).
 */
export function configureBackend(stack: TerraformStack, id: string, stateName: string, remoteState: RemoteStateInputs | undefined): void {
  if (!remoteState) {
    new LocalBackend(stack, { path: `terraform.${id}.tfstate` })
    return
  }
  const backend = new S3Backend(stack, {
    bucket: remoteState.bucket,
    key: `${remoteState.keyPrefix}/${stateName}.tfstate`,
    region: remoteState.region,
    encrypt: true,
    ...(remoteState.lockTable ? { dynamodbTable: remoteState.lockTable } : {}),
  })
  // S3's native lock file (Terraform ≥ 1.10) when no lock table is given; cdktf 0.21 has no typed field for it.
  if (!remoteState.lockTable) backend.addOverride('use_lockfile', true)
}
