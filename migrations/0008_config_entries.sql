CREATE TABLE "config_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"environment_id" text,
	"app_id" text,
	"key" text NOT NULL,
	"value" text,
	"value_encrypted" text,
	"secret" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "config_entries_layer_key" UNIQUE NULLS NOT DISTINCT("tenant_id","environment_id","app_id","key"),
	CONSTRAINT "config_entries_one_value" CHECK (("config_entries"."secret" and "config_entries"."value_encrypted" is not null and "config_entries"."value" is null) or (not "config_entries"."secret" and "config_entries"."value" is not null and "config_entries"."value_encrypted" is null))
);
--> statement-breakpoint
ALTER TABLE "apps" ADD COLUMN "private" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "apps" ADD COLUMN "health_path" text DEFAULT '/health';--> statement-breakpoint
ALTER TABLE "apps" ADD COLUMN "writeable_volumes" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "apps" ADD COLUMN "memory_mb" integer DEFAULT 512 NOT NULL;--> statement-breakpoint
ALTER TABLE "apps" ADD COLUMN "cpus" double precision DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "config_entries" ADD CONSTRAINT "config_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_entries" ADD CONSTRAINT "config_entries_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_entries" ADD CONSTRAINT "config_entries_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;