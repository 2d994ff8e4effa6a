CREATE TABLE "flow_start_keys" (
	"tenant_id" text NOT NULL,
	"key" text NOT NULL,
	"request_digest" text NOT NULL,
	"flow_id" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_start_keys_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
