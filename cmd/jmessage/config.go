package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
)

// settingSDKRegister is the one app setting the API has: whether users may
// register from the client SDKs.
const settingSDKRegister = "sdk-register"

// settingLine is a setting as config get --json prints it.
type settingLine struct {
	Name  string `json:"name"`
	Value bool   `json:"value"`
}

func (a *app) configCommand() *cobra.Command {
	cmd := parent("config", "Read or change the app's settings (sdk-register: may users register from the client SDKs)")
	cmd.AddCommand(&cobra.Command{
		Use:   "get [" + settingSDKRegister + "]",
		Short: "Print the app's settings",
		Args:  settingArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.getConfig(cmd.Context())
		},
	}, &cobra.Command{
		Use:     "set " + settingSDKRegister + " on|off",
		Short:   "Change a setting of the app",
		Example: "  jmessage --fake config set sdk-register off",
		Args:    settingArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			on, err := parseSwitch(args[1])
			if err != nil {
				return err
			}
			return a.setConfig(cmd.Context(), on)
		},
	})
	return cmd
}

// settingArgs checks for an optional (values 0) or required setting name
// followed by values values.
func settingArgs(values int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if values == 0 && len(args) == 0 {
			return nil
		}
		if len(args) != values+1 {
			return usagef("usage: %s", cmd.UseLine())
		}
		if args[0] != settingSDKRegister {
			return usagef("no setting %q (the settings: %s)", args[0], settingSDKRegister)
		}
		return nil
	}
}

func parseSwitch(s string) (bool, error) {
	switch s {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	if b, err := strconv.ParseBool(s); err == nil {
		return b, nil
	}
	return false, usagef("%q: want on or off", s)
}

func (a *app) getConfig(ctx context.Context) error {
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	on, _, err := c.Config.SDKRegister(ctx)
	if err != nil {
		return err
	}
	return a.printSetting(on)
}

func (a *app) setConfig(ctx context.Context, on bool) error {
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	if _, err := c.Config.SetSDKRegister(ctx, on); err != nil {
		return err
	}
	return a.printSetting(on)
}

func (a *app) printSetting(on bool) error {
	line := settingLine{Name: settingSDKRegister, Value: on}
	return a.emit(line, func(w io.Writer) {
		state := "off"
		if on {
			state = "on"
		}
		fmt.Fprintf(w, "%s\t%s\n", line.Name, state)
	})
}
