CREATE TABLE "llm_cache" (
	"tenant_id" text NOT NULL,
	"key" text NOT NULL,
	"model" text NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_cache_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
CREATE TABLE "llm_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"phase" text NOT NULL,
	"run" integer NOT NULL,
	"attempt" integer NOT NULL,
	"agent" text NOT NULL,
	"model" text NOT NULL,
	"outcome" text NOT NULL,
	"cached" boolean DEFAULT false NOT NULL,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"latency_ms" integer NOT NULL,
	"cache_key" text NOT NULL,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "llm_monthly_budget_usd" double precision;--> statement-breakpoint
CREATE INDEX "llm_calls_tenant_time" ON "llm_calls" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "llm_calls_flow" ON "llm_calls" USING btree ("tenant_id","flow_id");