#!/usr/bin/env node
// The `crumbless` bin: registers tsx so the TypeScript CLI runs without a build step.
import { register } from 'tsx/esm/api'

register()
await import('./crumbless.ts')
