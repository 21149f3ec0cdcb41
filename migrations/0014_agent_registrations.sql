CREATE TABLE "agent_registrations" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"jti" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hostname" text,
	"agent_version" text,
	CONSTRAINT "agent_registrations_jti_unique" UNIQUE("jti")
);
--> statement-breakpoint
ALTER TABLE "agent_registrations" ADD CONSTRAINT "agent_registrations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_registrations" ADD CONSTRAINT "agent_registrations_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_registrations_deployment" ON "agent_registrations" USING btree ("deployment_id");