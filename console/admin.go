package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/store"
)

// The admin page manages console users and API keys. Keys go through
// app.Service (CreateKey, ListKeys, RevokeKey: audited there). app has no
// user operations, so users go to the store directly, as `clearance users`
// does, and the console audits them (user.create, user.disable) itself.

type adminData struct {
	Users  []store.User
	Keys   []store.APIKey
	Roles  []store.Role
	NewKey *app.CreatedKey // shown once, right after creation
}

var allRoles = []store.Role{store.RoleViewer, store.RoleAnalyst, store.RoleAdmin}

func (c *Console) adminPage(w http.ResponseWriter, r *http.Request) {
	c.showAdmin(w, r, http.StatusOK, "", "", nil)
}

func (c *Console) showAdmin(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string, newKey *app.CreatedKey) {
	users, err := c.cfg.Service.Store().ListUsers(r.Context())
	if err != nil {
		c.serviceError(w, r, "listing users", err)
		return
	}
	keys, err := c.cfg.Service.ListKeys(r.Context(), actor(r))
	if err != nil {
		c.serviceError(w, r, "listing keys", err)
		return
	}
	c.render(w, r, status, "admin", view{Title: "Users and API keys", Nav: "admin", Flash: flash, Error: errMsg,
		Data: adminData{Users: users, Keys: keys, Roles: allRoles, NewKey: newKey}})
}

func (c *Console) createUser(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	role, err := store.ParseRole(r.PostFormValue("role"))
	password := r.PostFormValue("password")
	switch {
	case name == "":
		c.showAdmin(w, r, http.StatusBadRequest, "", "New user: enter a user name.", nil)
		return
	case err != nil:
		c.showAdmin(w, r, http.StatusBadRequest, "", "New user: choose a role.", nil)
		return
	case len(password) < 12:
		// NIST SP 800-63B §5.1.1.2: at least 8 characters; we ask for 12
		// because these accounts can see every screening.
		c.showAdmin(w, r, http.StatusBadRequest, "", "New user: the password must have at least 12 characters.", nil)
		return
	case password != r.PostFormValue("password2"):
		c.showAdmin(w, r, http.StatusBadRequest, "", "New user: the two passwords differ.", nil)
		return
	}
	u, err := c.cfg.Service.Store().CreateUser(r.Context(), name, role, password)
	if err != nil {
		switch {
		case errors.Is(err, store.ErrConflict):
			c.showAdmin(w, r, http.StatusConflict, "", "New user: the name "+name+" is taken.", nil)
		case errors.Is(err, store.ErrInvalid):
			c.showAdmin(w, r, http.StatusBadRequest, "", "New user: "+err.Error(), nil)
		default:
			c.serviceError(w, r, "creating the user", err)
		}
		return
	}
	if err := c.appendAudit(r, string(store.KindUserCreate), "ok", map[string]any{"id": u.ID, "name": u.Name, "role": u.Role}, nil); err != nil {
		c.serviceError(w, r, "recording the new user", err)
		return
	}
	c.showAdmin(w, r, http.StatusOK, "User "+u.Name+" created with role "+string(u.Role)+".", "", nil)
}

func (c *Console) disableUser(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	if s, _ := sessionFrom(r.Context()); s.Username == name {
		c.showAdmin(w, r, http.StatusBadRequest, "", "You cannot disable your own account while signed in with it.", nil)
		return
	}
	if err := c.cfg.Service.Store().DisableUser(r.Context(), name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			c.showAdmin(w, r, http.StatusNotFound, "", "No user named "+name+".", nil)
			return
		}
		c.serviceError(w, r, "disabling the user", err)
		return
	}
	if err := c.appendAudit(r, string(store.KindUserDisable), "ok", map[string]string{"name": name}, nil); err != nil {
		c.serviceError(w, r, "recording the change", err)
		return
	}
	c.showAdmin(w, r, http.StatusOK, "User "+name+" disabled; their sessions have ended.", "", nil)
}

func (c *Console) createKey(w http.ResponseWriter, r *http.Request) {
	k, err := c.cfg.Service.CreateKey(r.Context(), actor(r), app.CreateKeyRequest{
		Name: strings.TrimSpace(r.PostFormValue("name")), Role: store.Role(r.PostFormValue("role"))})
	if err != nil {
		if errors.Is(err, app.ErrInvalid) {
			c.showAdmin(w, r, http.StatusBadRequest, "", "New key: "+userMessage(err), nil)
			return
		}
		c.serviceError(w, r, "creating the key", err)
		return
	}
	c.showAdmin(w, r, http.StatusOK, "", "", &k)
}

func (c *Console) revokeKey(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	if err := c.cfg.Service.RevokeKey(r.Context(), actor(r), id); err != nil {
		if errors.Is(err, app.ErrNotFound) {
			c.showAdmin(w, r, http.StatusNotFound, "", "No key with id "+id+".", nil)
			return
		}
		c.serviceError(w, r, "revoking the key", err)
		return
	}
	c.showAdmin(w, r, http.StatusOK, "Key "+id+" revoked.", "", nil)
}
