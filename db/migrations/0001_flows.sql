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
