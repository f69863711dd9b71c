/**
 * Every table of the platform, from the modules that define them: the kernel's (events,
 * idempotency, checkpoints), the projections' views, the progress view and events, the local scheduler's schedules,
 * the API's rate-limit counters. The
 * DynamoDB Local harness creates these; the CDK app creates the cloud ones from the same list.
 */
import { SCHEDULES_TABLE } from './adapters/scheduler/schedules-table';
import { VIEW_TABLES } from '../projections/tables';
import { PROGRESS_TABLES } from '../projections/progress-view/tables';
import { MEMORY_TABLES } from './adapters/memory/tables';
import { KERNEL_TABLES, type TableDefinition } from './kernel/tables';
import { RATE_LIMIT_TABLE } from './api/rate-limit';

export const ALL_TABLES: readonly TableDefinition[] = [...KERNEL_TABLES, ...VIEW_TABLES, ...PROGRESS_TABLES, ...MEMORY_TABLES, SCHEDULES_TABLE, RATE_LIMIT_TABLE];
