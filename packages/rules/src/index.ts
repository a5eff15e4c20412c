// The front door of @flare/rules: every name other workspaces may use is exported here.
