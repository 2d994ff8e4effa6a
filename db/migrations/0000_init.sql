CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"owner" text,
	"criticality" text NOT NULL,
	"tier" text NOT NULL,
	"attributes" jsonb NOT NULL,
	CONSTRAINT "applications_tenant_id_flow_id_key_pk" PRIMARY KEY("tenant_id","flow_id","key")
);
--> statement-breakpoint
CREATE TABLE "asset_applications" (
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"asset_key" text NOT NULL,
	"application_key" text NOT NULL,
	CONSTRAINT "asset_applications_tenant_id_flow_id_asset_key_application_key_pk" PRIMARY KEY("tenant_id","flow_id","asset_key","application_key")
);
--> statement-breakpoint
CREATE TABLE "asset_decommissions" (
	"tenant_id" text NOT NULL,
	"inventory_flow_id" text NOT NULL,
	"asset_key" text NOT NULL,
	"flow_id" text NOT NULL,
	"approved_by" text NOT NULL,
	"monthly_saving" double precision NOT NULL,
	"decommissioned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_decommissions_tenant_id_inventory_flow_id_asset_key_pk" PRIMARY KEY("tenant_id","inventory_flow_id","asset_key")
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"key" text NOT NULL,
	"hostname" text NOT NULL,
	"ip" text,
	"asset_type" text NOT NULL,
	"os_family" text NOT NULL,
	"os_version" text,
	"cpu" double precision,
	"memory_gb" double precision,
	"storage_gb" double precision,
	"environment" text NOT NULL,
	"criticality" text NOT NULL,
	"owner" text,
	"monthly_cost" double precision,
	"attributes" jsonb NOT NULL,
	CONSTRAINT "assets_tenant_id_flow_id_key_pk" PRIMARY KEY("tenant_id","flow_id","key")
);
--> statement-breakpoint
CREATE TABLE "dependencies" (
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"from_key" text NOT NULL,
	"to_key" text NOT NULL,
	"port" integer DEFAULT 0 NOT NULL,
	"type" text NOT NULL,
	"protocol" text,
	"confidence" double precision NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "dependencies_tenant_id_flow_id_from_key_to_key_port_pk" PRIMARY KEY("tenant_id","flow_id","from_key","to_key","port")
);
--> statement-breakpoint
CREATE TABLE "engagements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"filename" text NOT NULL,
	"format" text NOT NULL,
	"content" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"row_count" integer NOT NULL,
	"columns" jsonb NOT NULL,
	"encoding_issue_count" integer NOT NULL,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phase_artifacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"flow_type" text NOT NULL,
	"phase" text NOT NULL,
	"run" integer NOT NULL,
	"summary" text NOT NULL,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "raw_rows" (
	"tenant_id" text NOT NULL,
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "raw_rows_tenant_id_import_id_row_number_pk" PRIMARY KEY("tenant_id","import_id","row_number")
);
--> statement-breakpoint
CREATE TABLE "strategy_overrides" (
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"application_key" text NOT NULL,
	"strategy" text NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategy_overrides_tenant_id_flow_id_application_key_pk" PRIMARY KEY("tenant_id","flow_id","application_key")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "api_keys_tenant_idx" ON "api_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "engagements_tenant_name" ON "engagements" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "imports_tenant_idx" ON "imports" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "phase_artifacts_natural_key" ON "phase_artifacts" USING btree ("tenant_id","flow_id","phase","run");