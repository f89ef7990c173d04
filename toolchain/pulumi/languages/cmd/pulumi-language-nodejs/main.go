// Command pulumi-language-nodejs is a small Node.js language host for the pinned CLI.
//
// Pulumi's own host lives in a Go module that the module proxy here does not serve, so this one is ours, built on
// Pulumi's own pieces: a program runs with the run script of the program's own @pulumi/pulumi (`cmd/run`, which
// compiles TypeScript with ts-node, type checking unless tsconfig says noCheck), given the flags and environment
// upstream's host gives it; `pulumi install` and `pulumi package add` install and link with the SDK module's npm
// package (npm, yarn, pnpm or bun, chosen as upstream chooses); SDKs come from pkg/v3's Node.js code generator.
// Runtime options: typescript (default true), nodeargs, packagemanager; any other is refused by name. Not
// implemented: plugins written in Node.js (RunPlugin), policy packs, `pulumi about`'s dependency list, debugging.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"podpatterns.local/toolchain/pulumi/languages/internal/host"
)

const name = "pulumi-language-nodejs"

// runScript is the module of @pulumi/pulumi that runs a program, resolved from the program's directory.
const runScript = "@pulumi/pulumi/cmd/run"

type nodeHost struct {
	*host.Base
}

func main() {
	host.Serve(name, func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return nodeHost{&host.Base{Name: name, EngineAddress: engineAddress, Generate: generate}}
	})
}

func generate(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
	loader schema.ReferenceLoader,
) (map[string][]byte, error) {
	return nodejs.GeneratePackage(tool, pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
}

func options(info *pulumirpc.ProgramInfo) (map[string]string, error) {
	return host.StringOptions(name, info, "typescript", "nodeargs", "packagemanager")
}

// Run runs the program as upstream's host does: node [nodeargs] <run script> <flags> <entry point> [args].
func (h nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	opts, err := options(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	typescript := true
	if value, ok := opts["typescript"]; ok {
		if typescript, err = strconv.ParseBool(value); err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf(
				"Pulumi.yaml: runtime option typescript must be true or false, not %q", value)}, nil
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "node is not on PATH: install Node.js"}, nil
	}
	run, err := resolveModule(ctx, node, info.GetProgramDirectory(), runScript)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := append(strings.Fields(opts["nodeargs"]), run,
		"--monitor", req.GetMonitorAddress(), "--engine", h.EngineAddress,
		"--organization", req.GetOrganization(), "--project", req.GetProject(), "--stack", req.GetStack(),
		"--pwd", req.GetPwd(), "--parallel", strconv.Itoa(int(req.GetParallel())))
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if root := info.GetRootDirectory(); root != "" {
		args = append(args, "--root-directory", root)
	}
	args = append(append(args, entryPoint(info)), req.GetArgs()...)
	config, err := host.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(append(os.Environ(), config...), "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(typescript))
	return host.RunProgram(cmd), nil
}

// entryPoint is Pulumi.yaml's `main` relative to the working directory, "." for none (the run script then reads
// package.json's main or exports, as upstream's).
func entryPoint(info *pulumirpc.ProgramInfo) string {
	entry := info.GetEntryPoint()
	if entry == "" || entry == "." {
		return "."
	}
	return filepath.Join(info.GetProgramDirectory(), entry)
}

// resolveModule is where node finds a module from dir, asked of node itself as upstream's host asks it.
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	cmd := exec.CommandContext(ctx, node, "-e", "console.log(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s cannot find %s from %s: is @pulumi/pulumi a dependency in package.json, "+
			"and were the dependencies installed (pulumi install)? %v", name, module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func packageManager(info *pulumirpc.ProgramInfo) (npm.PackageManager, error) {
	opts, err := options(info)
	if err != nil {
		return nil, err
	}
	return npm.ResolvePackageManager(npm.PackageManagerType(opts["packagemanager"]), info.GetProgramDirectory())
}

// InstallDependencies is `pulumi install`: the package manager's install in the program's directory.
func (h nodeHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	pm, err := packageManager(req.GetInfo())
	if err != nil {
		return err
	}
	return host.Install(stream, req.GetIsTerminal(), func(stdout, stderr io.Writer) error {
		fmt.Fprintf(stdout, "Installing dependencies with %s...\n", pm.Name())
		if err := pm.Install(stream.Context(), req.GetInfo().GetProgramDirectory(), false, stdout, stderr); err != nil {
			return fmt.Errorf("%s install failed: %w", pm.Name(), err)
		}
		return nil
	})
}

// Link adds each generated SDK to package.json as a `file:` dependency, as upstream's host does (`pulumi package
// add`); the install that follows builds it.
func (h nodeHost) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	pm, err := packageManager(req.GetInfo())
	if err != nil {
		return nil, err
	}
	dir := req.GetInfo().GetProgramDirectory()
	var imports []string
	for _, dep := range req.GetPackages() {
		pkgName, err := packageName(filepath.Join(dir, dep.GetPath()))
		if err != nil {
			return nil, err
		}
		if err := pm.Link(ctx, dir, pkgName, dep.GetPath()); err != nil {
			return nil, err
		}
		alias := strings.ReplaceAll(filepath.Base(pkgName), "-", "")
		imports = append(imports, fmt.Sprintf("  import * as %s from %q;", alias, pkgName))
	}
	return &pulumirpc.LinkResponse{ImportInstructions: "You can then import the SDK in your TypeScript code " +
		"with:\n\n" + strings.Join(imports, "\n") + "\n"}, nil
}

func packageName(sdk string) (string, error) {
	data, err := os.ReadFile(filepath.Join(sdk, "package.json"))
	if err != nil {
		return "", err
	}
	var manifest struct{ Name string }
	if err := json.Unmarshal(data, &manifest); err != nil || manifest.Name == "" {
		return "", fmt.Errorf("%s/package.json names no package: %v", sdk, err)
	}
	return manifest.Name, nil
}

func (h nodeHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v")},
		nil
}
