CREATE TABLE "llm_budget_reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"phase" text NOT NULL,
	"estimate_usd" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "llm_budget_reservations_tenant_time" ON "llm_budget_reservations" USING btree ("tenant_id","created_at");